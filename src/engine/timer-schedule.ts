import { ISOInterval, getDate } from '@0dep/piso';
import { type FeelEnv, isFeel, evaluateExpression } from './feel.js';

export type TimerType = 'timeDuration' | 'timeDate' | 'timeCycle';

export interface TimerSchedule {
  dueAt: Date;
  /** Cycles: repetitions left after this one; -1 = unbounded; null for one-shot timers. */
  repetitionsLeft: number | null;
}

export class TimerValueError extends Error {}

/**
 * Computes when a timer is due, from Samenspel's clock rather than the engine's
 * `new Date()`, so that tests move time and timers of any length are kept in the store.
 * FEEL values (`=...`) are evaluated first; a FEEL date or date-time is a timeDate, a FEEL
 * duration a timeDuration.
 */
export function scheduleTimer(
  timer: { timerType: TimerType; value: string },
  variables: Record<string, unknown>,
  env: FeelEnv,
  repetitionsSoFar: number | null = null,
): TimerSchedule {
  const now = env.now;
  const raw = isFeel(timer.value) ? evaluateExpression(timer.value, variables, env) : timer.value;
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new TimerValueError(`timer ${timer.timerType} "${timer.value}" did not give a date or duration`);
  }
  const value = raw.trim();
  if (timer.timerType === 'timeDate') {
    const dueAt = getDate(value);
    if (!(dueAt instanceof Date) || Number.isNaN(dueAt.getTime())) {
      throw new TimerValueError(`timer date "${value}" is not an ISO 8601 date`);
    }
    return { dueAt, repetitionsLeft: null };
  }
  let parsed: { repeat?: number; getExpireAt(compare: Date, start: Date): Date };
  try {
    parsed = new ISOInterval(value).parse();
  } catch (err) {
    throw new TimerValueError(`timer ${timer.timerType} "${value}" is not an ISO 8601 duration or cycle: ${(err as Error).message}`);
  }
  const dueAt = parsed.getExpireAt(now, now);
  if (!(dueAt instanceof Date) || Number.isNaN(dueAt.getTime())) {
    throw new TimerValueError(`timer ${timer.timerType} "${value}" has no due time`);
  }
  if (timer.timerType !== 'timeCycle' || parsed.repeat === undefined) return { dueAt, repetitionsLeft: null };
  if (parsed.repeat === -1) return { dueAt, repetitionsLeft: -1 };
  const left = repetitionsSoFar === null ? parsed.repeat - 1 : repetitionsSoFar - 1;
  return { dueAt, repetitionsLeft: Math.max(0, left) };
}
