import { ConflictError, InvalidError } from '../../errors.js';
import type { TaskRecord } from '../../store/port.js';
import type { RuntimeContext } from '../runtime-context.js';
import { loadInstance, loadTask } from './load-instance.js';

/**
 * Claim, unclaim and delegate change only the task's assignee: no engine step, but the
 * same conditional write on the instance revision, so they serialise with completions.
 */
async function changeAssignee(
  ctx: RuntimeContext,
  taskId: string,
  actor: string,
  type: 'task-claimed' | 'task-unclaimed' | 'task-delegated',
  decide: (task: TaskRecord) => string | null,
): Promise<TaskRecord> {
  const task = await loadTask(ctx, taskId);
  return ctx.locks.run(task.instanceId, async () => {
    // The instance first, then its parts: a task read before the instance could predate a
    // change that another node saved in between, and this write would bring it back.
    const instance = await loadInstance(ctx, task.instanceId);
    const [tasks, timers, subscriptions] = await Promise.all([
      ctx.store.instances.tasksOfInstance(instance.id),
      ctx.store.instances.timersOfInstance(instance.id),
      ctx.store.instances.subscriptionsOfInstance(instance.id),
    ]);
    const fresh = tasks.find((candidate) => candidate.id === taskId);
    if (!fresh) throw new ConflictError('task_not_open', `task "${taskId}" is no longer part of its case`);
    if (fresh.state !== 'open') throw new ConflictError('task_not_open', `task "${taskId}" is already ${fresh.state}`);
    const assignee = decide(fresh);
    const now = ctx.clock.now().toISOString();
    const changed: TaskRecord = { ...fresh, assignee };
    const write = {
      instance: { ...instance, revision: instance.revision + 1, updatedAt: now },
      tasks: [changed],
      timers,
      subscriptions,
      outbox: [],
      history: [{ instanceId: instance.id, at: now, type, elementId: fresh.elementId, actor, data: { taskId, assignee } }],
    };
    await ctx.store.instances.save(write, instance.revision);
    // The cached engine is still right (its state did not change) but keyed by revision.
    ctx.engine.forget(instance.id);
    ctx.events.emit('instance-changed', write);
    return changed;
  });
}

export function claimTask(ctx: RuntimeContext, taskId: string, userId: string): Promise<TaskRecord> {
  return changeAssignee(ctx, taskId, userId, 'task-claimed', (task) => {
    if (task.assignee && task.assignee !== userId) {
      throw new ConflictError('task_claimed', `task "${taskId}" is claimed by someone else`);
    }
    return userId;
  });
}

export function unclaimTask(ctx: RuntimeContext, taskId: string, actor: string): Promise<TaskRecord> {
  return changeAssignee(ctx, taskId, actor, 'task-unclaimed', () => null);
}

/** Hands a task to a colleague; `mayTake` tells whether that user is in one of its candidate groups. */
export function delegateTask(
  ctx: RuntimeContext,
  taskId: string,
  actor: string,
  toUserId: string,
  mayTake: (task: TaskRecord) => boolean,
): Promise<TaskRecord> {
  return changeAssignee(ctx, taskId, actor, 'task-delegated', (task) => {
    if (!mayTake(task)) {
      throw new InvalidError('delegate_not_candidate', `user "${toUserId}" is not in a candidate group of this task`, [
        { path: 'userId', message: 'not a candidate of this task' },
      ]);
    }
    return toUserId;
  });
}
