import {
  AS_WARNING,
  Describe,
  extensions,
  guarded,
  is,
  isAny,
  isBlank,
  type ModdleElement,
  type RuleFactory,
} from './rule-utils.js';

function messageDefinitions(node: ModdleElement): ModdleElement[] {
  const defs: unknown[] = Array.isArray(node.eventDefinitions) ? node.eventDefinitions : [];
  return defs.filter((d): d is ModdleElement => is(d, 'bpmn:MessageEventDefinition'));
}

/** Start events of a process start a new case; every other catch joins a running one. */
function needsCorrelation(node: ModdleElement): boolean {
  if (is(node, 'bpmn:ReceiveTask') || is(node, 'bpmn:IntermediateCatchEvent') || is(node, 'bpmn:BoundaryEvent')) {
    return true;
  }
  // a message start event of an event sub-process also catches within a running case
  return is(node, 'bpmn:StartEvent') && is(node.$parent, 'bpmn:SubProcess') && node.$parent?.triggeredByEvent === true;
}

/**
 * `samenspel/message-names`: message events and receive tasks reference a
 * `bpmn:message` that has a name (messages are matched by name). A catch that is not a
 * process start also needs a `zeebe:subscription correlationKey` to find its case;
 * missing keys are reported as warnings.
 */
const messageNames: RuleFactory = () => ({
  check: guarded('message-names', (node, reporter) => {
    const isReceiveTask = is(node, 'bpmn:ReceiveTask');
    if (!isReceiveTask && !isAny(node, ['bpmn:Event'])) return;

    const refs: Array<ModdleElement | undefined> = isReceiveTask
      ? [node.messageRef]
      : messageDefinitions(node).map((d) => d.messageRef);
    if (refs.length === 0) return;

    for (const message of refs) {
      if (!message) {
        reporter.report(
          node.id,
          `${Describe(node)} does not say which message it ${needsCorrelation(node) || is(node, 'bpmn:StartEvent') ? 'waits for' : 'sends'}. Select or create a message with a name (for example Zorgmelding).`,
        );
        continue;
      }
      if (isBlank(message.name)) {
        reporter.report(
          node.id,
          `${Describe(node)} uses message "${message.id}", which has no name. Give the message a name (for example Zorgmelding): messages are matched by name.`,
        );
      }
      if (needsCorrelation(node)) {
        const keys = extensions(message, 'zeebe:Subscription').filter((s) => !isBlank(s.correlationKey));
        if (keys.length === 0) {
          reporter.report(
            node.id,
            `${Describe(node)} waits for message "${message.name || message.id}" without a correlation key, so Samenspel cannot tell which case a message belongs to. Set a subscription correlation key on the message (for example =registratienummer).`,
            AS_WARNING,
          );
        }
      }
    }
    return undefined;
  }),
});

export default messageNames;
