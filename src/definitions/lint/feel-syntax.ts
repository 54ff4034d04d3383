import { isIsoDateTime } from './iso8601.js';
import {
  describe,
  asText,
  feelBody,
  guarded,
  is,
  isBlank,
  isFeel,
  owner,
  shorten,
  type ModdleElement,
  type Reporter,
  type RuleFactory,
} from './rule-utils.js';

/** Returns null when the expression parses, else a short description of the error. */
export type FeelChecker = (expression: string) => string | null;

export interface FeelSyntaxConfig {
  /** A FEEL syntax checker (the expression without its leading `=`). Default: accepts everything. */
  checkFeel?: FeelChecker;
}

const acceptAll: FeelChecker = () => null;

const TIMER_PARTS: Array<[string, string]> = [
  ['timeDuration', 'duration'],
  ['timeDate', 'date'],
  ['timeCycle', 'cycle'],
];

/**
 * `samenspel/feel-syntax`: every value Samenspel evaluates as FEEL must parse:
 * sequence flow conditions, input/output mapping sources, due and follow-up dates,
 * timer values, message correlation keys and names, and assignment values that start
 * with `=`.
 */
const feelSyntax: RuleFactory<FeelSyntaxConfig> = (config) => {
  const checkFeel: FeelChecker = typeof config?.checkFeel === 'function' ? config.checkFeel : acceptAll;

  function verify(reporter: Reporter, elementId: string | undefined, where: string, raw: string): void {
    const expression = feelBody(raw);
    if (expression === '') {
      reporter.report(elementId, `${where} is an empty FEEL expression ("${raw.trim()}"). Write the expression after the "=", or remove the value.`);
      return;
    }
    let error: unknown;
    try {
      error = checkFeel(expression);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    if (typeof error === 'string' && error.trim() !== '') {
      reporter.report(
        elementId,
        `${where} is not valid FEEL (${error.trim()}): "${shorten(raw.trim())}". Correct the expression, for example =urgentie = "acuut".`,
      );
    }
  }

  function whereOwner(node: ModdleElement): { id: string | undefined; label: string } {
    const parent = owner(node);
    return { id: parent?.id, label: parent ? describe(parent) : 'the diagram' };
  }

  return {
    check: guarded('feel-syntax', (node, reporter) => {
      if (is(node, 'bpmn:SequenceFlow')) {
        const body = asText(node.conditionExpression?.body);
        // Conditions that are not FEEL at all are reported by samenspel/no-scripts.
        if (isFeel(body)) verify(reporter, node.id, `The condition of ${describe(node)}`, body);
        return;
      }

      if (is(node, 'zeebe:Input') || is(node, 'zeebe:Output')) {
        const source = asText(node.source);
        if (isBlank(source)) return;
        const { id, label } = whereOwner(node);
        const kind = is(node, 'zeebe:Input') ? 'input' : 'output';
        verify(reporter, id, `The ${kind} mapping "${asText(node.target) || '?'}" of ${label}`, source);
        return;
      }

      if (is(node, 'zeebe:TaskSchedule')) {
        const { id, label } = whereOwner(node);
        for (const [prop, text] of [
          ['dueDate', 'due date'],
          ['followUpDate', 'follow-up date'],
        ] as const) {
          const value = asText(node[prop]).trim();
          if (value === '') continue;
          if (isFeel(value)) {
            verify(reporter, id, `The ${text} of ${label}`, value);
          } else if (!isIsoDateTime(value)) {
            reporter.report(
              id,
              `The ${text} of ${label} ("${shorten(value)}") is neither a FEEL expression nor an ISO 8601 date-time. Use an expression such as =now() + duration("P5D"), or a date-time with offset such as 2025-03-01T09:00:00+01:00.`,
            );
          }
        }
        return;
      }

      if (is(node, 'bpmn:TimerEventDefinition')) {
        const { id, label } = whereOwner(node);
        for (const [prop, text] of TIMER_PARTS) {
          const value = asText(node[prop]?.body);
          if (isFeel(value)) verify(reporter, id, `The timer ${text} of ${label}`, value);
        }
        return;
      }

      if (is(node, 'zeebe:Subscription')) {
        const key = asText(node.correlationKey);
        if (isBlank(key)) return;
        const { id, label } = whereOwner(node);
        verify(reporter, id, `The correlation key of ${label}`, key);
        return;
      }

      if (is(node, 'zeebe:AssignmentDefinition')) {
        const { id, label } = whereOwner(node);
        for (const [prop, text] of [
          ['assignee', 'assignee'],
          ['candidateGroups', 'candidate groups'],
          ['candidateUsers', 'candidate users'],
        ] as const) {
          const value = asText(node[prop]);
          if (isFeel(value)) verify(reporter, id, `The ${text} of ${label}`, value);
        }
        return;
      }

      if (is(node, 'bpmn:Message')) {
        const name = asText(node.name);
        if (isFeel(name)) verify(reporter, node.id, `The name of message "${node.id}"`, name);
      }
      return undefined;
    }),
  };
};

export default feelSyntax;
