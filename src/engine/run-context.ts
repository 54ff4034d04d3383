import type { TimerType } from './timer-schedule.js';

/**
 * What the replaced engine behaviours (engine-behaviours.ts) ask of the command that is
 * running the engine. One per cached engine; reset at the start of every command.
 */
export interface RunContext {
  now(): Date;
  /** The start event a start command chose; null once started. */
  startEventId: string | null;
  /** Due time of a timer event, from Samenspel's clock and FEEL. */
  scheduleTimer(
    elementId: string,
    repeatSoFar: number | null,
  ): { timerType: TimerType; dueAt: Date; repetitionsLeft: number | null };
  /** Runs a service/send task; `done` is called only on success. */
  invokeTask(elementId: string, executionId: string, done: (output: Record<string, unknown>) => void): void;
}
