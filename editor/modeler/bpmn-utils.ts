/** Small readers over bpmn-js elements and bpmn-moddle objects the page needs. */
import { translate } from './features/translate/index.js';

export interface ModdleObject {
  $type: string;
  id?: string;
  name?: string;
  isExecutable?: boolean;
  processRef?: ModdleObject;
  rootElements?: ModdleObject[];
  participants?: ModdleObject[];
  extensionElements?: { values?: ModdleObject[] } & ModdleObject;
  eventDefinitions?: ModdleObject[];
  formId?: string;
  $instanceOf?(type: string): boolean;
  get?(name: string): unknown;
  [key: string]: unknown;
}

export interface DiagramElement {
  id: string;
  type: string;
  businessObject: ModdleObject;
  waypoints?: unknown[];
  labelTarget?: unknown;
}

export function isType(object: ModdleObject | undefined, type: string): boolean {
  if (!object) return false;
  return typeof object.$instanceOf === 'function' ? object.$instanceOf(type) : object.$type === type;
}

/** The processes of a definitions root, the executable ones first. */
export function processesOf(definitions: ModdleObject | undefined): ModdleObject[] {
  const processes = (definitions?.rootElements ?? []).filter((root) => root.$type === 'bpmn:Process');
  return [...processes.filter((p) => p.isExecutable === true), ...processes.filter((p) => p.isExecutable !== true)];
}

/** The key a draft or deployment of this diagram has: the id of its (first executable) process. */
export function mainProcessId(definitions: ModdleObject | undefined): string | null {
  return processesOf(definitions)[0]?.id ?? null;
}

/** The human name of the diagram: its process's name, else a participant's, else the id. */
export function diagramName(definitions: ModdleObject | undefined, key: string | null): string | null {
  const main = processesOf(definitions).find((p) => p.id === key) ?? processesOf(definitions)[0];
  if (main?.name) return main.name;
  const collaboration = (definitions?.rootElements ?? []).find((root) => root.$type === 'bpmn:Collaboration');
  const participant = collaboration?.participants?.find((p) => p.processRef?.id === main?.id);
  return participant?.name ?? main?.id ?? null;
}

export function extensionValues(object: ModdleObject | undefined, type?: string): ModdleObject[] {
  const values = object?.extensionElements?.values ?? [];
  return type ? values.filter((value) => value.$type === type) : values;
}

/** The form id a user task or start event links (zeebe:formDefinition formId). */
export function linkedFormId(object: ModdleObject | undefined): string | null {
  const definition = extensionValues(object, 'zeebe:FormDefinition')[0];
  const formId = typeof definition?.formId === 'string' ? definition.formId.trim() : '';
  return formId === '' ? null : formId;
}

export function canHaveForm(element: DiagramElement | null | undefined): boolean {
  return !!element && (element.type === 'bpmn:UserTask' || element.type === 'bpmn:StartEvent');
}

/** Every form id the diagram's elements link. */
export function referencedFormIds(elements: DiagramElement[]): string[] {
  const ids = new Set<string>();
  for (const element of elements) {
    if (element.labelTarget) continue;
    const formId = linkedFormId(element.businessObject);
    if (formId) ids.add(formId);
  }
  return [...ids].sort();
}

/** Lower-case words joined by dashes: 'Risico beoordelen' -> 'risico-beoordelen'. */
export function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

/** A readable label of a BPMN type in the page's language: 'bpmn:UserTask' -> 'Gebruikerstaak'. */
export function humanType(type: string): string {
  const words = type.replace(/^bpmn:/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return translate(words.charAt(0).toUpperCase() + words.slice(1));
}

export function newDiagramXml(processId: string, name: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  xmlns:modeler="http://camunda.org/schema/modeler/1.0"
  id="Definitions_${processId}" targetNamespace="http://samenspel.nl/processen"
  exporter="Samenspel" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.6.0">
  <bpmn:process id="${processId}" name="${name.replace(/[<>&"]/g, '')}" isExecutable="true">
    <bpmn:startEvent id="start" name="Start" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_${processId}">
    <bpmndi:BPMNPlane id="Plane_${processId}" bpmnElement="${processId}">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start">
        <dc:Bounds x="180" y="160" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

/** A first form for a task: one text area for an explanation, which people can extend. */
export function starterForm(formId: string, label: string): Record<string, unknown> {
  return {
    id: formId,
    type: 'default',
    schemaVersion: 19,
    executionPlatform: 'Camunda Cloud',
    executionPlatformVersion: '8.6.0',
    exporter: { name: 'Samenspel', version: '1' },
    components: [
      {
        id: 'Field_toelichting',
        type: 'textarea',
        key: 'toelichting',
        label,
        layout: { row: 'Row_1', columns: null },
      },
    ],
  };
}

/** The labelled fields of a form-js schema, depth first, for a short summary. */
export function formFields(schema: unknown): { key: string; label: string; type: string }[] {
  const out: { key: string; label: string; type: string }[] = [];
  const visit = (components: unknown) => {
    if (!Array.isArray(components)) return;
    for (const component of components as Record<string, unknown>[]) {
      if (typeof component?.key === 'string') {
        out.push({ key: component.key, label: typeof component.label === 'string' ? component.label : component.key, type: String(component.type ?? '') });
      }
      visit(component?.components);
    }
  };
  visit((schema as { components?: unknown })?.components);
  return out;
}
