/**
 * Replacements for a few bpmn-elements behaviours, so that the engine never decides on
 * its own about time, start events or service calls:
 * - start events: only the start event the command chose runs (the others are discarded),
 *   so that a process with a none start and a message start does not run both;
 * - timers: due times come from Samenspel's clock and FEEL, and are handed to the run
 *   context (which stores them) instead of `setTimeout`;
 * - service and send tasks: call the connector registry through the run context; a
 *   failure leaves the task waiting (an incident), so that a retry calls it again.
 *
 * The run context is found on `environment.options.samenspel` (it is passed again on
 * every recover, like every function the engine needs).
 */
import * as Elements from 'bpmn-elements';
import { StartEventBehaviour } from 'bpmn-elements/events';
import { ServiceTaskBehaviour } from 'bpmn-elements/tasks';
import type { RunContext } from './run-context.js';

/** The same value as engine-adapter's HOLD_START_EVENTS (that module imports this one). */
const HOLD_START_EVENTS = '__samenspel_hold__';

type AnyFn = (...args: any[]) => any;
const E = Elements as unknown as Record<string, any>;

function contextOf(activity: { environment: { options: Record<string, unknown> } }): RunContext {
  const ctx = activity.environment.options.samenspel as RunContext | undefined;
  if (!ctx) throw new Error('Samenspel run context missing on the engine environment');
  return ctx;
}

// ------------------------------------------------------------------ start events

function SelectiveStartBehaviour(this: any, activity: any) {
  (StartEventBehaviour as unknown as AnyFn).call(this, activity);
}
SelectiveStartBehaviour.prototype = Object.create((StartEventBehaviour as any).prototype);
SelectiveStartBehaviour.prototype.constructor = SelectiveStartBehaviour;
SelectiveStartBehaviour.prototype.execute = function execute(this: any, executeMessage: any) {
  const chosen = contextOf(this.activity).startEventId;
  // Only the process's own start events compete; a sub-process reached during the start
  // command must run its start event.
  const topLevel = this.activity.parent?.type !== 'bpmn:SubProcess';
  // Held start events neither complete nor discard: the process stays running until a
  // migration has started the elements it moves to, and then discards them.
  if (chosen === HOLD_START_EVENTS && topLevel && !executeMessage.fields?.redelivered) return undefined;
  if (chosen && topLevel && !executeMessage.fields?.redelivered) {
    if (chosen !== this.id) {
      return this.broker.publish('execution', 'execute.discard', { ...executeMessage.content, state: 'discard' });
    }
    // The chosen message or timer start has happened already (the message arrived, the
    // timer fired): it completes at once.
    if (this.activity.eventDefinitions?.length) {
      return this.broker.publish('execution', 'execute.completed', { ...executeMessage.content, state: 'completed' });
    }
  }
  return (StartEventBehaviour as any).prototype.execute.call(this, executeMessage);
};

const activityIsStart = Object.getOwnPropertyDescriptor(E.Activity.prototype, 'isStart')!.get!;

function SamenspelStartEvent(activityDef: unknown, context: unknown) {
  const activity = new E.Activity(SelectiveStartBehaviour, activityDef, context);
  // When a start command chose a start event, the other start events of the process are
  // not start activities at all: they never run, so no discard from them runs through
  // the shared downstream elements (a discard reaching an end event after the chosen
  // path started made bpmn-engine discard the chosen, waiting start event too, and
  // parallel joins behind both starts got a stray discard round).
  Object.defineProperty(activity, 'isStart', {
    get(this: any) {
      if (!activityIsStart.call(this)) return false;
      const chosen = contextOf(this).startEventId;
      if (!chosen || chosen === HOLD_START_EVENTS || this.parent?.type === 'bpmn:SubProcess') return true;
      return chosen === this.id;
    },
  });
  return activity;
}

// ------------------------------------------------------------------ timers

function StoredTimerEventDefinition(this: any, activity: any, eventDefinition: any) {
  E.TimerEventDefinition.call(this, activity, eventDefinition);
}
StoredTimerEventDefinition.prototype = Object.create(E.TimerEventDefinition.prototype);
StoredTimerEventDefinition.prototype.constructor = StoredTimerEventDefinition;

/**
 * Replaces the engine's own due-time computation (which reads the system clock) with
 * ours. A resumed timer keeps the due time it was given; a fired cycle gets its next one.
 * The engine's timeout is never <= 0, so even an overdue timer waits for the scheduler
 * to fire it: timers fire in one place, with history and leases.
 */
StoredTimerEventDefinition.prototype._getTimers = function getTimers(this: any, executeMessage: any) {
  const ctx = contextOf(this.activity);
  const content = executeMessage.content;
  const now = ctx.now().getTime();
  const wasFired = content.state === 'timeout';
  if (content.expireAt && !wasFired) {
    const expireAt = new Date(content.expireAt);
    return {
      timerType: content.timerType,
      expireAt,
      repeat: content.repeat,
      timeout: Math.max(1, expireAt.getTime() - now),
    };
  }
  const schedule = ctx.scheduleTimer(this.activity.id, wasFired ? (content.repeat ?? null) : null);
  const result: Record<string, unknown> = {
    timerType: schedule.timerType,
    expireAt: schedule.dueAt,
    timeout: Math.max(1, schedule.dueAt.getTime() - now),
  };
  if (schedule.repetitionsLeft !== null) result.repeat = schedule.repetitionsLeft === -1 ? -1 : schedule.repetitionsLeft + 1;
  return result;
};

// ------------------------------------------------------------------ service and send tasks

function ConnectorTaskBehaviour(this: any, activity: any) {
  (ServiceTaskBehaviour as unknown as AnyFn).call(this, activity);
}
ConnectorTaskBehaviour.prototype = Object.create((ServiceTaskBehaviour as any).prototype);
ConnectorTaskBehaviour.prototype.constructor = ConnectorTaskBehaviour;
ConnectorTaskBehaviour.prototype.getService = function getService(this: any) {
  const activity = this.activity;
  return {
    execute(executeMessage: any, callback: AnyFn) {
      contextOf(activity).invokeTask(activity.id, executeMessage.content.executionId, (output) => callback(null, output));
    },
  };
};

function SamenspelConnectorTask(activityDef: unknown, context: unknown) {
  return new E.Activity(ConnectorTaskBehaviour, activityDef, context);
}

/** Element types handed to moddle-context-serializer's TypeResolver. */
export const samenspelElements: Record<string, unknown> = {
  ...E,
  StartEvent: SamenspelStartEvent,
  TimerEventDefinition: StoredTimerEventDefinition,
  ServiceTask: SamenspelConnectorTask,
  SendTask: SamenspelConnectorTask,
  BusinessRuleTask: SamenspelConnectorTask,
  // Camunda 8 passes manual tasks straight through; bpmn-elements would wait for a signal.
  ManualTask: E.Task,
};
