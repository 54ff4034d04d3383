import { isIsoCycle, isIsoDateTime, isIsoDuration, looksLikeCron } from './iso8601.js';
import {
  Describe,
  asText,
  guarded,
  is,
  isFeel,
  shorten,
  type ModdleElement,
  type RuleFactory,
} from './rule-utils.js';

type Kind = 'duration' | 'date' | 'cycle';

const PARTS: Array<[string, Kind]> = [
  ['timeDuration', 'duration'],
  ['timeDate', 'date'],
  ['timeCycle', 'cycle'],
];

const EXAMPLES: Record<Kind, string> = {
  duration: 'an ISO 8601 duration such as PT2H, P3D or P1DT12H',
  date: 'an ISO 8601 date-time with offset such as 2025-03-01T09:00:00+01:00',
  cycle: 'an ISO 8601 repetition such as R/P1D (every day) or R3/PT1H (three times, hourly)',
};

const VALID: Record<Kind, (value: string) => boolean> = {
  duration: isIsoDuration,
  date: isIsoDateTime,
  cycle: isIsoCycle,
};

/** Which kinds of timer make sense on which event. */
function allowedKinds(event: ModdleElement): Kind[] {
  if (is(event, 'bpmn:StartEvent')) {
    const inEventSubProcess = is(event.$parent, 'bpmn:SubProcess') && event.$parent?.triggeredByEvent === true;
    return inEventSubProcess ? ['duration', 'date', 'cycle'] : ['date', 'cycle'];
  }
  if (is(event, 'bpmn:BoundaryEvent')) {
    return event.cancelActivity === false ? ['duration', 'date', 'cycle'] : ['duration', 'date'];
  }
  return ['duration', 'date'];
}

/**
 * `samenspel/timer-values`: a timer has exactly one of duration, date or cycle; a
 * literal value (one not starting with `=`, which is FEEL) must be valid ISO 8601.
 * Cron expressions are not supported.
 */
const timerValues: RuleFactory = () => ({
  check: guarded('timer-values', (node, reporter) => {
    if (!is(node, 'bpmn:TimerEventDefinition')) return;

    const event = node.$parent as ModdleElement | undefined;
    const id = event?.id;
    const subject = event ? Describe(event) : 'A timer';

    const present = PARTS.filter(([prop]) => node[prop] !== undefined && node[prop] !== null).map(([prop, kind]) => ({
      kind,
      value: asText((node[prop] as ModdleElement).body).trim(),
    }));

    if (present.length === 0) {
      reporter.report(id, `${subject} is a timer without a value. Set one of: a duration (for example PT2H), a date or a cycle.`);
      return;
    }
    if (present.length > 1) {
      reporter.report(
        id,
        `${subject} has more than one timer value (${present.map((p) => p.kind).join(' and ')}). Keep exactly one of duration, date or cycle.`,
      );
      return;
    }

    const [{ kind, value }] = present;
    if (value === '') {
      reporter.report(id, `${subject} has an empty timer ${kind}. Fill in ${EXAMPLES[kind]}.`);
      return;
    }

    if (event) {
      const allowed = allowedKinds(event);
      if (!allowed.includes(kind)) {
        reporter.report(
          id,
          `${subject} uses a timer ${kind}, which does not fit this event. Use a timer ${allowed.join(' or ')} here.`,
        );
      }
    }

    // FEEL values are checked by samenspel/feel-syntax.
    if (isFeel(value)) return;

    if (looksLikeCron(value)) {
      reporter.report(
        id,
        `${subject} uses the cron expression "${shorten(value)}". Cron is not supported by Samenspel: use ${EXAMPLES.cycle}.`,
      );
      return;
    }

    if (!VALID[kind](value)) {
      reporter.report(id, `${subject} has the timer ${kind} "${shorten(value)}", which is not valid. Use ${EXAMPLES[kind]}.`);
    }
  }),
});

export default timerValues;
