import { NotFoundError } from '../../errors.js';
import type { InstanceRecord, TaskRecord } from '../../store/port.js';
import type { RuntimeContext } from '../runtime-context.js';

export async function loadInstance(ctx: RuntimeContext, id: string): Promise<InstanceRecord> {
  const instance = await ctx.store.instances.get(id);
  if (!instance) throw new NotFoundError('instance_not_found', `no instance "${id}"`);
  return instance;
}

export async function loadTask(ctx: RuntimeContext, id: string): Promise<TaskRecord> {
  const task = await ctx.store.instances.getTask(id);
  if (!task) throw new NotFoundError('task_not_found', `no task "${id}"`);
  return task;
}
