/** Small diagrams for tests that run real server processes on a processes folder. */

export const NS = `xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0"`;

/** start -> wait `duration` (ISO 8601, e.g. PT2S) -> task for vt-triage -> end. */
export function timerThenTaskXml(key: string, name: string, duration: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Defs_${key}" targetNamespace="http://samenspel.test" modeler:executionPlatform="Camunda Cloud">
  <bpmn:process id="${key}" name="${name}" isExecutable="true">
    <bpmn:startEvent id="start" name="Start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wacht" />
    <bpmn:intermediateCatchEvent id="wacht" name="Wachten"><bpmn:timerEventDefinition id="ted1"><bpmn:timeDuration>${duration}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wacht" targetRef="taak" />
    <bpmn:userTask id="taak" name="Afhandelen">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="vt-triage" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="taak" targetRef="end" />
    <bpmn:endEvent id="end" name="Klaar" />
  </bpmn:process>
</bpmn:definitions>
`;
}
