import { ConflictError } from '../../errors.js';
import type { InstanceRecord } from '../../store/port.js';
import type { RuntimeContext } from '../runtime-context.js';
import { loadInstance } from './load-instance.js';

/** Cancels a running instance: its open tasks are cancelled, its timers and
 * subscriptions dropped, the reason kept in the history. */
export async function cancelInstance(ctx: RuntimeContext, instanceId: string, reason: string, actor: string): Promise<InstanceRecord> {
  return ctx.locks.run(instanceId, async () => {
    const instance = await loadInstance(ctx, instanceId);
    if (instance.status === 'completed' || instance.status === 'cancelled') {
      throw new ConflictError('instance_ended', `instance "${instanceId}" is already ${instance.status}`);
    }
    const now = ctx.clock.now().toISOString();
    const tasks = (await ctx.store.instances.tasksOfInstance(instanceId))
      .filter((task) => task.state === 'open')
      .map((task) => ({ ...task, state: 'cancelled' as const, completedAt: now }));
    const cancelled: InstanceRecord = {
      ...instance,
      status: 'cancelled',
      engineState: null,
      revision: instance.revision + 1,
      updatedAt: now,
      endedAt: now,
    };
    const write = {
      instance: cancelled,
      tasks,
      timers: [],
      subscriptions: [],
      outbox: [],
      history: [{ instanceId, at: now, type: 'cancelled', elementId: null, actor, data: { reason } }],
    };
    await ctx.store.instances.save(write, instance.revision);
    ctx.engine.forget(instanceId);
    ctx.events.emit('instance-changed', write);
    return cancelled;
  });
}
