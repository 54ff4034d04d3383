import { ConflictError, InvalidError } from '../../errors.js';
import { validateSubmission } from '../../forms/form-validation.js';
import type { InstanceRecord, TaskRecord, Variables } from '../../store/port.js';
import { loadCurrent, step } from '../instance-step.js';
import type { RuntimeContext } from '../runtime-context.js';
import { loadInstance, loadTask } from './load-instance.js';

export interface CompletedTask {
  task: TaskRecord;
  instance: InstanceRecord;
  /** Tasks the completion created (the next step of the case). */
  next: TaskRecord[];
}

/**
 * Completes an open user task with the submitted data, validated against the task's
 * form. Exactly one of several concurrent completions wins; the others get a conflict.
 */
export async function completeTask(ctx: RuntimeContext, taskId: string, submitted: Variables, actor: string): Promise<CompletedTask> {
  const task = await loadTask(ctx, taskId);
  assertOpen(task);
  return ctx.locks.run(task.instanceId, async () => {
    // The instance first, then its tasks: a task read before the instance could predate a
    // completion that another node saved in between (the save below is conditional on the
    // revision read here, so nothing newer than that revision can slip in after).
    const instance = await loadInstance(ctx, task.instanceId);
    const current = await loadCurrent(ctx, instance);
    const fresh = current.openTasks.find((candidate) => candidate.id === taskId) ?? (await loadTask(ctx, taskId));
    assertOpen(fresh);
    const variables = await validateAgainstForm(ctx, fresh, instance, submitted);
    const now = ctx.clock.now().toISOString();
    const result = await step(ctx, current, { type: 'complete-task', executionId: fresh.executionId, variables }, {
      actor,
      completedTaskId: fresh.id,
      history: [{ instanceId: instance.id, at: now, type: 'task-completed', elementId: fresh.elementId, actor, data: { taskId: fresh.id } }],
    });
    const completed = result.tasks.find((candidate) => candidate.id === fresh.id) ?? { ...fresh, state: 'completed', completedAt: now, completedBy: actor };
    return { task: completed, instance: result.instance, next: result.tasks.filter((candidate) => candidate.state === 'open') };
  });
}

function assertOpen(task: TaskRecord): void {
  if (task.state !== 'open') throw new ConflictError('task_not_open', `task "${task.id}" is already ${task.state}`);
}

async function validateAgainstForm(ctx: RuntimeContext, task: TaskRecord, instance: InstanceRecord, submitted: Variables): Promise<Variables> {
  if (!task.formId) return submitted;
  const definition = await ctx.definitions.version(task.definitionKey, task.definitionVersion);
  const formVersion = task.formVersion ?? definition.forms[task.formId];
  const form = formVersion === undefined ? null : await ctx.store.definitions.getFormVersion(task.formId, formVersion);
  if (!form) {
    throw new InvalidError('form_missing', `form "${task.formId}" of task "${task.id}" is not deployed`, [
      { elementId: task.elementId, message: `form ${task.formId} not found` },
    ]);
  }
  return validateSubmission(form.schema as any, submitted, { ...instance.variables, ...task.input }, { now: ctx.clock.now() });
}
