import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { createEngineAdapter } from '../engine/engine-adapter.js';
import type { WorkingDayCalendar } from '../engine/working-days.js';
import type { Store, TaskRecord, Variables } from '../store/port.js';
import type { ConnectorRegistry } from './connectors/connector-registry.js';
import { cancelInstance } from './commands/cancel-instance.js';
import { claimTask, delegateTask, unclaimTask } from './commands/change-task.js';
import { completeTask } from './commands/complete-task.js';
import { correlateMessage, type MessageInput } from './commands/correlate-message.js';
import { migrateInstance, planMigration } from './commands/migrate-instance.js';
import { modifyInstance } from './commands/modify-instance.js';
import { retryIncident } from './commands/retry-incident.js';
import type { ModifyInstruction } from '../engine/engine-adapter.js';
import { startInstance, type StartInstanceInput } from './commands/start-instance.js';
import { DefinitionRegistry } from './definition-registry.js';
import { KeyedMutex } from './keyed-mutex.js';
import type { RuntimeContext } from './runtime-context.js';
import { createScheduler, type SchedulerOptions } from './timer-scheduler.js';

export interface RuntimeOptions {
  store: Store;
  clock: Clock;
  connectors: ConnectorRegistry;
  calendar?: WorkingDayCalendar;
  nodeId?: string;
  scheduler?: Partial<SchedulerOptions>;
  engineCacheSize?: number;
  ids?: () => string;
}

export type Runtime = ReturnType<typeof createRuntime>;

/** The runtime's commands, wired to one store, engine adapter and clock. */
export function createRuntime(options: RuntimeOptions) {
  const ctx: RuntimeContext = {
    store: options.store,
    clock: options.clock,
    ids: options.ids ?? randomUUID,
    locks: new KeyedMutex(),
    events: new EventEmitter(),
    nodeId: options.nodeId ?? `node-${randomUUID()}`,
    definitions: new DefinitionRegistry(options.store.definitions),
    engine: createEngineAdapter({
      clock: options.clock,
      calendar: options.calendar,
      cacheSize: options.engineCacheSize,
      invokeConnector: (request) =>
        options.connectors.invoke(request.type, {
          instanceId: request.instanceId,
          elementId: request.elementId,
          idempotencyKey: request.idempotencyKey,
          headers: request.headers,
          variables: request.variables,
        }),
    }),
  };
  ctx.events.setMaxListeners(50);
  const scheduler = createScheduler(ctx, {
    pollMs: 1000,
    leaseMs: 30_000,
    batchSize: 100,
    ...options.scheduler,
  });

  return {
    context: ctx,
    events: ctx.events,
    definitions: ctx.definitions,
    scheduler,
    startInstance: (input: StartInstanceInput, actor: string, instanceId?: string) => startInstance(ctx, input, { actor, instanceId }),
    completeTask: (taskId: string, variables: Variables, actor: string) => completeTask(ctx, taskId, variables, actor),
    claimTask: (taskId: string, userId: string) => claimTask(ctx, taskId, userId),
    unclaimTask: (taskId: string, actor: string) => unclaimTask(ctx, taskId, actor),
    delegateTask: (taskId: string, actor: string, toUserId: string, mayTake: (task: TaskRecord) => boolean) =>
      delegateTask(ctx, taskId, actor, toUserId, mayTake),
    correlateMessage: (input: MessageInput, actor: string) => correlateMessage(ctx, input, { actor }),
    cancelInstance: (instanceId: string, reason: string, actor: string) => cancelInstance(ctx, instanceId, reason, actor),
    retryIncident: (instanceId: string, incidentId: string, actor: string) => retryIncident(ctx, instanceId, incidentId, actor),
    modifyInstance: (instanceId: string, input: { reason: string; instructions: ModifyInstruction[] }, actor: string) =>
      modifyInstance(ctx, instanceId, input, actor),
    planMigration: (instanceId: string, toVersion: number, mapping?: Record<string, string>) => planMigration(ctx, instanceId, toVersion, mapping),
    migrateInstance: (instanceId: string, input: { toVersion: number; mapping?: Record<string, string> }, actor: string) =>
      migrateInstance(ctx, instanceId, input, actor),
  };
}
