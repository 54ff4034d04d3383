import {
  Describe,
  guarded,
  humanType,
  is,
  type ModdleElement,
  withArticle,
  type RuleFactory,
} from './rule-utils.js';

/**
 * `samenspel/supported-elements`: only what Samenspel runs may appear in a diagram.
 * It applies to every process, executable or not: bpmn-engine also starts a
 * non-executable process when a message reaches its start event.
 */

const NONE = 'none';

/** Which event definitions each kind of event may carry (`none` = no definition). */
const EVENT_DEFINITIONS: Record<string, readonly string[]> = {
  'bpmn:StartEvent': [NONE, 'bpmn:MessageEventDefinition', 'bpmn:TimerEventDefinition'],
  'bpmn:EndEvent': [NONE, 'bpmn:MessageEventDefinition', 'bpmn:ErrorEventDefinition', 'bpmn:TerminateEventDefinition'],
  'bpmn:IntermediateCatchEvent': ['bpmn:MessageEventDefinition', 'bpmn:TimerEventDefinition'],
  'bpmn:IntermediateThrowEvent': [NONE, 'bpmn:MessageEventDefinition'],
  'bpmn:BoundaryEvent': ['bpmn:TimerEventDefinition', 'bpmn:MessageEventDefinition', 'bpmn:ErrorEventDefinition'],
};

/** Start events of an event sub-process may also catch errors. */
const EVENT_SUB_PROCESS_START = [
  'bpmn:MessageEventDefinition',
  'bpmn:TimerEventDefinition',
  'bpmn:ErrorEventDefinition',
];

const FLOW_ELEMENTS = new Set([
  ...Object.keys(EVENT_DEFINITIONS),
  'bpmn:UserTask',
  'bpmn:ServiceTask',
  'bpmn:SendTask',
  'bpmn:ReceiveTask',
  'bpmn:ManualTask',
  // A plain task passes straight through, as in Camunda 8 (common in imported diagrams).
  'bpmn:Task',
  'bpmn:ExclusiveGateway',
  'bpmn:ParallelGateway',
  'bpmn:InclusiveGateway',
  'bpmn:EventBasedGateway',
  'bpmn:SubProcess',
  'bpmn:SequenceFlow',
  'bpmn:DataObject',
  'bpmn:DataObjectReference',
  'bpmn:DataStoreReference',
]);

const ARTIFACTS = new Set(['bpmn:TextAnnotation', 'bpmn:Association', 'bpmn:Group']);

/** Root elements that are never supported (their content would not run either). */
const UNSUPPORTED_ROOTS = ['bpmn:Choreography', 'bpmn:GlobalTask', 'bpmn:GlobalConversation'];

const ADVICE: Record<string, string> = {
  'bpmn:ScriptTask': 'Samenspel never runs scripts from a diagram: use a service task with a connector, or FEEL in input/output mappings.',
  'bpmn:BusinessRuleTask': 'Model the decision with an exclusive gateway and FEEL conditions, or a service task with a connector.',
  'bpmn:CallActivity': 'Call activities are not supported yet: model the steps in a sub-process, or hand over to the other process with a message.',
  'bpmn:ComplexGateway': 'Use an exclusive, parallel or inclusive gateway instead.',
  'bpmn:Transaction': 'Use an ordinary sub-process instead.',
  'bpmn:AdHocSubProcess': 'Use an ordinary sub-process with explicit sequence flows instead.',
  'bpmn:ImplicitThrowEvent': 'Remove it and use an intermediate throw event instead.',
  'bpmn:SignalEventDefinition': 'Use a message event instead.',
  'bpmn:EscalationEventDefinition': 'Use a message or error event instead.',
  'bpmn:CompensateEventDefinition': 'Model the undo steps explicitly with tasks and gateways instead.',
  'bpmn:ConditionalEventDefinition': 'Use an exclusive gateway with a FEEL condition, or a message event, instead.',
  'bpmn:LinkEventDefinition': 'Connect the elements with a sequence flow instead.',
  'bpmn:CancelEventDefinition': 'Use an error event instead.',
};

const GENERIC_ADVICE = 'Remove it or replace it with an element Samenspel supports.';

function advice(type: string): string {
  return ADVICE[type] ?? GENERIC_ADVICE;
}

function isEventSubProcessStart(node: ModdleElement): boolean {
  return is(node, 'bpmn:StartEvent') && is(node.$parent, 'bpmn:SubProcess') && node.$parent?.triggeredByEvent === true;
}

function definitionLabel(type: string): string {
  return type === NONE ? 'no event definition' : withArticle(`${humanType(type).replace(/ event definition$/, '')} definition`);
}

function checkEvent(node: ModdleElement, report: (msg: string) => void): void {
  const allowed = isEventSubProcessStart(node) ? EVENT_SUB_PROCESS_START : EVENT_DEFINITIONS[node.$type];
  if (!allowed) return;

  const definitions: ModdleElement[] = Array.isArray(node.eventDefinitions) ? node.eventDefinitions : [];
  const refs: unknown[] = Array.isArray(node.eventDefinitionRef) ? node.eventDefinitionRef : [];
  const kind = humanType(node.$type);
  const allowedText = allowed.map(definitionLabel).join(', ');

  if (definitions.length === 0 && refs.length === 0 && !allowed.includes(NONE)) {
    report(
      `${Describe(node)} has no event definition. ${withArticle(kind, true)} in Samenspel needs ${allowedText}: say what it waits for.`,
    );
    return;
  }

  for (const def of definitions) {
    if (allowed.includes(def.$type)) continue;
    const known = Object.values(EVENT_DEFINITIONS).some((list) => list.includes(def.$type));
    const what = `${withArticle(`${humanType(def.$type).replace(/ event definition$/, '')} ${kind}`)} (${def.$type} on ${node.$type})`;
    report(
      `${Describe(node)} is ${what}, which is not supported by Samenspel. ${
        known ? `${withArticle(kind, true)} here may have ${allowedText}.` : advice(def.$type)
      }`,
    );
  }
}

const supportedElements: RuleFactory = () => ({
  check: guarded('supported-elements', (node, reporter) => {
    if (is(node, 'bpmn:FlowElement')) {
      if (!FLOW_ELEMENTS.has(node.$type)) {
        reporter.report(node.id, `${Describe(node)} is a ${node.$type}, which is not supported by Samenspel. ${advice(node.$type)}`);
        return;
      }
      if (is(node, 'bpmn:Event')) {
        checkEvent(node, (msg) => reporter.report(node.id, msg));
      }
      const loop = node.loopCharacteristics as ModdleElement | undefined;
      if (loop) {
        const marker = is(loop, 'bpmn:MultiInstanceLoopCharacteristics')
          ? `a ${loop.isSequential ? 'sequential' : 'parallel'} multi-instance marker`
          : 'a loop marker';
        reporter.report(
          node.id,
          `${Describe(node)} has ${marker} (${loop.$type}), which is not supported by Samenspel yet. Remove the marker; to repeat work, loop back with an exclusive gateway.`,
        );
      }
      return;
    }

    if (is(node, 'bpmn:Artifact')) {
      if (!ARTIFACTS.has(node.$type)) {
        reporter.report(node.id, `${Describe(node)} is a ${node.$type}, which is not supported by Samenspel. ${GENERIC_ADVICE}`);
      }
      return;
    }

    if (UNSUPPORTED_ROOTS.some((t) => is(node, t))) {
      reporter.report(
        node.id,
        `${Describe(node)} is a ${node.$type}, which is not supported by Samenspel. Model the work as a process (pools with tasks) instead.`,
      );
      return false;
    }

    if (is(node, 'bpmn:ConversationNode')) {
      reporter.report(
        node.id,
        `${Describe(node)} is a ${node.$type}, which is not supported by Samenspel. Draw message flows between the pools instead.`,
      );
    }
    return undefined;
  }),
});

export default supportedElements;
