/** Tiny inline BPMN diagrams for the definitions tests. */
import { checkFeelSyntax } from '../../../src/definitions/feel-check.js';
import type { Problem } from '../../../src/definitions/problem.js';
import { validateDefinition, type ValidateOptions } from '../../../src/definitions/validate-definition.js';

export const NAMESPACES = [
  'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"',
  'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"',
  'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"',
  'xmlns:di="http://www.omg.org/spec/DD/20100524/DI"',
  'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"',
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
].join(' ');

/** Wraps root elements in `bpmn:definitions` with all namespaces Samenspel uses. */
export function definitions(rootElements: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NAMESPACES} id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
${rootElements}
</bpmn:definitions>`;
}

/** An executable process `Process_1` around the given flow elements. */
export function processXml(content: string, attributes = 'id="Process_1" name="Test" isExecutable="true"'): string {
  return definitions(`<bpmn:process ${attributes}>\n${content}\n</bpmn:process>`);
}

export const OPTIONS: ValidateOptions = {
  knownFormIds: ['melding-form', 'triage-form'],
  connectorTypes: ['notify', 'webhook'],
  checkFeel: checkFeelSyntax,
};

export async function problemsOf(xml: string, rule: string, options: ValidateOptions = OPTIONS): Promise<Problem[]> {
  const result = await validateDefinition(xml, options);
  const parse = result.problems.filter((p) => p.rule.startsWith('parse/'));
  if (parse.length > 0) throw new Error(`test diagram does not parse: ${JSON.stringify(parse)}`);
  return result.problems.filter((p) => p.rule === rule);
}

/** A user task that passes every Samenspel rule. */
export function userTask(id: string, extra = ''): string {
  return `<bpmn:userTask id="${id}" name="Beoordeel">
  <bpmn:extensionElements>
    <zeebe:assignmentDefinition candidateGroups="vt-triage" />
    <zeebe:formDefinition formId="triage-form" />
    ${extra}
  </bpmn:extensionElements>
</bpmn:userTask>`;
}

/**
 * The smallest diagram Samenspel should run without complaint: start -> user task
 * (candidate group + form) -> exclusive gateway with FEEL conditions -> two ends, with
 * diagram interchange so bpmnlint's no-bpmndi is satisfied.
 */
export const MINIMAL_VALID = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NAMESPACES} id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="melding-triage" name="Melding triage" isExecutable="true">
    <bpmn:extensionElements>
      <zeebe:properties>
        <zeebe:property name="samenspel.starterGroups" value="politie-basisteam, vt-frontoffice" />
        <zeebe:property name="samenspel.retentionDays" value="3650" />
      </zeebe:properties>
    </bpmn:extensionElements>
    <bpmn:startEvent id="start" name="Melding ontvangen">
      <bpmn:outgoing>flow-1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="triage" name="Beoordeel veiligheid">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="vt-triage" />
        <zeebe:formDefinition formId="triage-form" />
        <zeebe:taskSchedule dueDate="=now() + duration(&#34;P5D&#34;)" />
      </bpmn:extensionElements>
      <bpmn:incoming>flow-1</bpmn:incoming>
      <bpmn:outgoing>flow-2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:exclusiveGateway id="urgent" name="Acuut?">
      <bpmn:incoming>flow-2</bpmn:incoming>
      <bpmn:outgoing>flow-acuut</bpmn:outgoing>
      <bpmn:outgoing>flow-regulier</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:endEvent id="end-acuut" name="Acuut opgepakt">
      <bpmn:incoming>flow-acuut</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:endEvent id="end-regulier" name="Regulier afgehandeld">
      <bpmn:incoming>flow-regulier</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="flow-1" sourceRef="start" targetRef="triage" />
    <bpmn:sequenceFlow id="flow-2" sourceRef="triage" targetRef="urgent" />
    <bpmn:sequenceFlow id="flow-acuut" name="acuut" sourceRef="urgent" targetRef="end-acuut">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=urgentie = "acuut"</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="flow-regulier" name="niet acuut" sourceRef="urgent" targetRef="end-regulier">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=urgentie != "acuut"</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram">
    <bpmndi:BPMNPlane id="plane" bpmnElement="melding-triage">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="152" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="triage_di" bpmnElement="triage"><dc:Bounds x="240" y="80" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="urgent_di" bpmnElement="urgent" isMarkerVisible="true"><dc:Bounds x="395" y="95" width="50" height="50" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end-acuut_di" bpmnElement="end-acuut"><dc:Bounds x="502" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end-regulier_di" bpmnElement="end-regulier"><dc:Bounds x="502" y="212" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="flow-1_di" bpmnElement="flow-1"><di:waypoint x="188" y="120" /><di:waypoint x="240" y="120" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="flow-2_di" bpmnElement="flow-2"><di:waypoint x="340" y="120" /><di:waypoint x="395" y="120" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="flow-acuut_di" bpmnElement="flow-acuut"><di:waypoint x="445" y="120" /><di:waypoint x="502" y="120" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="flow-regulier_di" bpmnElement="flow-regulier"><di:waypoint x="420" y="145" /><di:waypoint x="420" y="230" /><di:waypoint x="502" y="230" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`;
