/**
 * What Samenspel needs to know about each flow element of one process, read once per
 * deployed version from the moddle tree (zeebe: extension elements included). The engine
 * adapter looks elements up here instead of digging in engine messages.
 */

export interface IoMapping {
  source: string;
  target: string;
}

export interface ElementModel {
  id: string;
  type: string;
  name: string;
  /** zeebe:assignmentDefinition */
  assignee?: string;
  candidateGroups?: string;
  candidateUsers?: string;
  /** zeebe:formDefinition formId */
  formId?: string;
  /** zeebe:taskSchedule */
  dueDate?: string;
  followUpDate?: string;
  inputs: IoMapping[];
  outputs: IoMapping[];
  /** zeebe:taskDefinition type, on service and send tasks */
  taskType?: string;
  /** zeebe:taskHeaders, passed to connectors as configuration */
  headers: Record<string, string>;
  /** Message events, receive and send tasks: the referenced bpmn:message */
  messageName?: string;
  correlationKey?: string;
  /** How the element uses its message */
  messageRole?: 'catch' | 'start' | 'throw';
  /** Timer event definitions */
  timer?: { timerType: 'timeDuration' | 'timeDate' | 'timeCycle'; value: string };
  isStart: boolean;
  /** true for start events without an event definition */
  isNoneStart: boolean;
  /** The id of the element a boundary event is attached to */
  attachedTo?: string;
  /** The process or sub-process that contains the element */
  parentId: string;
  documentation?: string;
}

export interface ProcessModel {
  id: string;
  name: string;
  elements: Map<string, ElementModel>;
  /** Process-level zeebe:properties (e.g. samenspel.starterGroups) */
  properties: Record<string, string>;
}

type ModdleElement = Record<string, any> & { $type: string; id?: string };

function extensionValues(element: ModdleElement): ModdleElement[] {
  return (element.extensionElements?.values ?? []) as ModdleElement[];
}

function extension(element: ModdleElement, type: string): ModdleElement | undefined {
  return extensionValues(element).find((value) => value.$type === type);
}

function mappings(list: ModdleElement[] | undefined): IoMapping[] {
  return (list ?? [])
    .filter((item) => typeof item.target === 'string')
    .map((item) => ({ source: String(item.source ?? ''), target: String(item.target) }));
}

function timerOf(definition: ModdleElement): ElementModel['timer'] {
  for (const timerType of ['timeDuration', 'timeDate', 'timeCycle'] as const) {
    const expression = definition[timerType];
    if (expression) return { timerType, value: String(expression.body ?? '').trim() };
  }
  return undefined;
}

function messageRole(element: ModdleElement): ElementModel['messageRole'] {
  switch (element.$type) {
    case 'bpmn:StartEvent':
      return 'start';
    case 'bpmn:IntermediateCatchEvent':
    case 'bpmn:BoundaryEvent':
    case 'bpmn:ReceiveTask':
      return 'catch';
    case 'bpmn:IntermediateThrowEvent':
    case 'bpmn:EndEvent':
    case 'bpmn:SendTask':
      return 'throw';
    default:
      return undefined;
  }
}

function describeElement(element: ModdleElement, parentId: string): ElementModel {
  const assignment = extension(element, 'zeebe:AssignmentDefinition');
  const form = extension(element, 'zeebe:FormDefinition');
  const schedule = extension(element, 'zeebe:TaskSchedule');
  const io = extension(element, 'zeebe:IoMapping');
  const taskDefinition = extension(element, 'zeebe:TaskDefinition');
  const headers = extension(element, 'zeebe:TaskHeaders');
  const eventDefinitions = (element.eventDefinitions ?? []) as ModdleElement[];

  const model: ElementModel = {
    id: String(element.id),
    type: element.$type,
    name: String(element.name ?? element.id ?? ''),
    inputs: mappings(io?.inputParameters),
    outputs: mappings(io?.outputParameters),
    headers: Object.fromEntries(
      ((headers?.values ?? []) as ModdleElement[]).map((header) => [String(header.key), String(header.value ?? '')]),
    ),
    isStart: element.$type === 'bpmn:StartEvent',
    isNoneStart: element.$type === 'bpmn:StartEvent' && eventDefinitions.length === 0,
    parentId,
  };
  if (assignment?.assignee) model.assignee = assignment.assignee;
  if (assignment?.candidateGroups) model.candidateGroups = assignment.candidateGroups;
  if (assignment?.candidateUsers) model.candidateUsers = assignment.candidateUsers;
  if (form?.formId) model.formId = form.formId;
  if (schedule?.dueDate) model.dueDate = schedule.dueDate;
  if (schedule?.followUpDate) model.followUpDate = schedule.followUpDate;
  if (taskDefinition?.type) model.taskType = taskDefinition.type;
  if (element.attachedToRef?.id) model.attachedTo = element.attachedToRef.id;
  const documentation = (element.documentation ?? []) as ModdleElement[];
  if (documentation.length) model.documentation = documentation.map((doc) => doc.text ?? '').join('\n');

  const messageDefinition = eventDefinitions.find((def) => def.$type === 'bpmn:MessageEventDefinition');
  const message: ModdleElement | undefined = messageDefinition?.messageRef ?? element.messageRef;
  if (message) {
    model.messageName = String(message.name ?? message.id);
    const subscription = extension(message, 'zeebe:Subscription');
    if (subscription?.correlationKey) model.correlationKey = subscription.correlationKey;
    model.messageRole = messageRole(element);
  }
  const timerDefinition = eventDefinitions.find((def) => def.$type === 'bpmn:TimerEventDefinition');
  if (timerDefinition) model.timer = timerOf(timerDefinition);
  return model;
}

function collect(container: ModdleElement, into: Map<string, ElementModel>): void {
  for (const element of (container.flowElements ?? []) as ModdleElement[]) {
    if (element.$type === 'bpmn:SequenceFlow' || !element.id) continue;
    into.set(element.id, describeElement(element, String(container.id)));
    if (element.flowElements) collect(element, into);
  }
}

/** Builds the element model of every process in a parsed `bpmn:Definitions`. */
export function describeProcesses(definitions: ModdleElement): ProcessModel[] {
  const processes = ((definitions.rootElements ?? []) as ModdleElement[]).filter(
    (element) => element.$type === 'bpmn:Process',
  );
  return processes.map((process) => {
    const elements = new Map<string, ElementModel>();
    collect(process, elements);
    const properties = extension(process, 'zeebe:Properties');
    return {
      id: String(process.id),
      name: String(process.name ?? process.id),
      elements,
      properties: Object.fromEntries(
        ((properties?.properties ?? []) as ModdleElement[]).map((p) => [String(p.name), String(p.value ?? '')]),
      ),
    };
  });
}
