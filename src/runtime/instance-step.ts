/**
 * One step of an instance: run an engine command and turn its outcome into the one
 * atomic write of the instance with its tasks, timers, subscriptions, outgoing messages
 * and history. Every command (start, complete, message, timer, retry) goes through here.
 */
import { ConflictError } from '../errors.js';
import type { EngineCommand, RunOutcome } from '../engine/engine-adapter.js';
import type {
  HistoryEvent,
  IncidentRecord,
  InstanceRecord,
  InstanceWrite,
  Json,
  OutboxRecord,
  SubscriptionRecord,
  TaskRecord,
  TimerRecord,
} from '../store/port.js';
import type { RuntimeContext } from './runtime-context.js';

export interface StepOptions {
  actor: string;
  /** The task the command completes (marked completed instead of cancelled). */
  completedTaskId?: string;
  /** History events that describe the command itself (e.g. task-completed). */
  history?: HistoryEvent[];
  /** Incidents resolved by this step (a retry). */
  resolveIncidents?: string[];
  /** An outgoing message this step consumes (exactly-once hand-over). */
  consumesOutbox?: string;
}

export interface StepResult {
  instance: InstanceRecord;
  tasks: TaskRecord[];
  outcome: RunOutcome;
}

interface Current {
  instance: InstanceRecord;
  openTasks: TaskRecord[];
  timers: TimerRecord[];
  subscriptions: SubscriptionRecord[];
  isNew: boolean;
}

export async function loadCurrent(ctx: RuntimeContext, instance: InstanceRecord): Promise<Current> {
  const [tasks, timers, subscriptions] = await Promise.all([
    ctx.store.instances.tasksOfInstance(instance.id),
    ctx.store.instances.timersOfInstance(instance.id),
    ctx.store.instances.subscriptionsOfInstance(instance.id),
  ]);
  return { instance, openTasks: tasks.filter((task) => task.state === 'open'), timers, subscriptions, isNew: false };
}

export function newInstanceCurrent(instance: InstanceRecord): Current {
  return { instance, openTasks: [], timers: [], subscriptions: [], isNew: true };
}

/** Runs the command and saves the result conditionally on the revision read. */
export async function step(ctx: RuntimeContext, current: Current, command: EngineCommand, options: StepOptions): Promise<StepResult> {
  const { instance } = current;
  const definition = await ctx.definitions.compile(instance.definitionKey, instance.definitionVersion);
  const known = new Set<string>([
    ...current.openTasks.map((task) => task.executionId),
    ...current.subscriptions.map((sub) => refExecutionId(sub.ref)),
  ]);
  const outcome = await ctx.engine.run({
    instanceId: instance.id,
    revision: instance.revision,
    definition,
    engineState: instance.engineState,
    variables: instance.variables,
    command,
    known,
  });
  const now = ctx.clock.now().toISOString();
  const write = outcome.status === 'failed'
    ? failedWrite(ctx, current, command, outcome, options, now)
    : advancedWrite(ctx, current, outcome, options, now);
  try {
    if (current.isNew) await ctx.store.instances.create(write);
    else await ctx.store.instances.save(write, instance.revision);
  } catch (err) {
    ctx.engine.forget(instance.id);
    throw err;
  }
  if (outcome.status !== 'failed' && !outcome.incidents.length) outcome.retain(write.instance.revision);
  ctx.events.emit('instance-changed', write);
  return { instance: write.instance, tasks: write.tasks, outcome };
}

function baseInstance(current: Current, now: string): InstanceRecord {
  return {
    ...current.instance,
    revision: current.isNew ? current.instance.revision : current.instance.revision + 1,
    updatedAt: now,
  };
}

function remainingIncidents(current: Current, options: StepOptions): IncidentRecord[] {
  const resolved = new Set(options.resolveIncidents ?? []);
  return current.instance.incidents.filter((incident) => !resolved.has(incident.id));
}

function resolvedHistory(current: Current, options: StepOptions, now: string): HistoryEvent[] {
  return current.instance.incidents
    .filter((incident) => options.resolveIncidents?.includes(incident.id))
    .map((incident) => ({
      instanceId: current.instance.id,
      at: now,
      type: 'incident-resolved',
      elementId: incident.elementId,
      actor: options.actor,
      data: { incidentId: incident.id },
    }));
}

/** The engine failed as a whole: keep everything where it was, record an incident that
 * repeats the command on retry. */
function failedWrite(
  ctx: RuntimeContext,
  current: Current,
  command: EngineCommand,
  outcome: RunOutcome,
  options: StepOptions,
  now: string,
): InstanceWrite {
  const failure = outcome.failure!;
  const incident: IncidentRecord = {
    id: ctx.ids(),
    elementId: failure.elementId,
    message: failure.message,
    at: now,
    retry: command as unknown as Json,
  };
  const instance: InstanceRecord = {
    ...baseInstance(current, now),
    status: 'incident',
    incidents: [...remainingIncidents(current, options), incident],
  };
  return {
    instance,
    tasks: [],
    timers: current.timers,
    subscriptions: current.subscriptions,
    outbox: [],
    consumesOutbox: options.consumesOutbox,
    history: [
      ...resolvedHistory(current, options, now),
      { instanceId: instance.id, at: now, type: 'incident', elementId: incident.elementId, actor: options.actor, data: { incidentId: incident.id, message: incident.message } },
    ],
  };
}

function advancedWrite(ctx: RuntimeContext, current: Current, outcome: RunOutcome, options: StepOptions, now: string): InstanceWrite {
  const { instance: previous } = current;
  const history: HistoryEvent[] = [...(options.history ?? []), ...resolvedHistory(current, options, now)];
  const event = (type: string, elementId: string | null, data?: Record<string, unknown>): void => {
    history.push({ instanceId: previous.id, at: now, type, elementId, actor: options.actor, ...(data ? { data } : {}) });
  };

  // Tasks: keep the open ones still waiting, close the ones gone, create the new ones.
  const waitingTaskIds = new Set(outcome.userTasks.map((task) => task.executionId));
  const tasks: TaskRecord[] = [];
  for (const task of current.openTasks) {
    if (waitingTaskIds.has(task.executionId)) continue;
    const completed = task.id === options.completedTaskId;
    tasks.push({
      ...task,
      state: completed ? 'completed' : 'cancelled',
      completedAt: now,
      completedBy: completed ? options.actor : null,
    });
    if (!completed) event('task-cancelled', task.elementId, { taskId: task.id });
  }
  const openByExecution = new Set(current.openTasks.map((task) => task.executionId));
  for (const waiting of outcome.userTasks) {
    if (openByExecution.has(waiting.executionId)) continue;
    const task: TaskRecord = {
      id: ctx.ids(),
      executionId: waiting.executionId,
      instanceId: previous.id,
      definitionKey: previous.definitionKey,
      definitionVersion: previous.definitionVersion,
      businessKey: previous.businessKey,
      elementId: waiting.elementId,
      name: waiting.name,
      state: 'open',
      assignee: waiting.assignee,
      candidateGroups: waiting.candidateGroups,
      candidateUsers: waiting.candidateUsers,
      formId: waiting.formId,
      formVersion: null,
      dueAt: waiting.dueAt,
      followUpAt: waiting.followUpAt,
      createdAt: now,
      completedAt: null,
      completedBy: null,
      input: waiting.input,
    };
    tasks.push(task);
    event('task-created', task.elementId, { taskId: task.id });
  }

  const timersByExecution = new Map(current.timers.map((timer) => [refExecutionId(timer.ref), timer]));
  const timers: TimerRecord[] = outcome.timers.map((waiting) => {
    const existing = timersByExecution.get(waiting.executionId);
    if (existing) return existing;
    return {
      id: ctx.ids(),
      instanceId: previous.id,
      definitionKey: previous.definitionKey,
      definitionVersion: previous.definitionVersion,
      elementId: waiting.elementId,
      timerType: waiting.timerType,
      dueAt: waiting.dueAt,
      repetitionsLeft: waiting.repetitionsLeft,
      ref: { executionId: waiting.executionId },
      leaseOwner: null,
      leaseUntil: null,
    };
  });

  const subsByExecution = new Map(current.subscriptions.map((sub) => [refExecutionId(sub.ref), sub]));
  const subscriptions: SubscriptionRecord[] = outcome.messages.map((waiting) => {
    const existing = subsByExecution.get(waiting.executionId);
    if (existing) return existing;
    return {
      id: ctx.ids(),
      instanceId: previous.id,
      definitionKey: previous.definitionKey,
      elementId: waiting.elementId,
      messageName: waiting.messageName,
      correlationKey: waiting.correlationKey,
      ref: { executionId: waiting.executionId },
      createdAt: now,
    };
  });

  const outbox: OutboxRecord[] = outcome.thrown.map((message) => ({
    id: ctx.ids(),
    sourceInstanceId: previous.id,
    sourceElementId: message.elementId,
    messageName: message.messageName,
    correlationKey: message.correlationKey,
    variables: message.variables,
    createdAt: now,
    dueAt: now,
    attempts: 0,
    lastError: null,
    leaseOwner: null,
    leaseUntil: null,
  }));
  for (const message of outbox) event('message-sent', message.sourceElementId, { messageName: message.messageName, outboxId: message.id });

  const incidents = remainingIncidents(current, options);
  for (const raised of outcome.incidents) {
    if (incidents.some((incident) => incident.elementId === raised.elementId && incident.message === raised.message)) continue;
    const incident: IncidentRecord = { id: ctx.ids(), elementId: raised.elementId, message: raised.message, at: now, retry: null };
    incidents.push(incident);
    event('incident', incident.elementId, { incidentId: incident.id, message: incident.message });
  }

  const completed = outcome.status === 'completed';
  if (completed) event('completed', null);
  const instance: InstanceRecord = {
    ...baseInstance(current, now),
    variables: outcome.variables,
    engineState: completed ? null : outcome.engineState,
    incidents,
    status: completed ? 'completed' : incidents.length ? 'incident' : 'active',
    endedAt: completed ? now : null,
  };
  return {
    instance,
    tasks,
    timers: completed ? [] : timers,
    subscriptions: completed ? [] : subscriptions,
    outbox,
    consumesOutbox: options.consumesOutbox,
    history,
  };
}

export function refExecutionId(ref: Json): string {
  if (ref && typeof ref === 'object' && !Array.isArray(ref) && typeof ref.executionId === 'string') return ref.executionId;
  throw new ConflictError('stale_reference', 'stored wait has no execution reference');
}
