import { ConflictError, InvalidError, type ErrorDetail } from '../../errors.js';
import { ModificationError } from '../../engine/engine-adapter.js';
import type { ElementModel } from '../../engine/element-model.js';
import { loadCurrent, step, type StepResult } from '../instance-step.js';
import type { RuntimeContext } from '../runtime-context.js';
import { loadInstance } from './load-instance.js';

export interface MigrationPlan {
  fromVersion: number;
  toVersion: number;
  /** Where each waiting element moves to. */
  moves: { from: string; to: string; name: string }[];
}

/** Elements of the same kind may take each other's place; a task cannot become a gateway. */
function kindOf(element: ElementModel): string {
  if (element.type === 'bpmn:UserTask') return 'user task';
  if (element.type.endsWith('Task') || element.type === 'bpmn:SubProcess') return 'activity';
  if (element.type.endsWith('Event')) return 'event';
  return element.type;
}

/**
 * Moves a waiting case to another version of its process. Every element the case waits
 * at must have a place in the target version (the same id, or one given in the
 * mapping); otherwise the migration is refused with the reason per element, because
 * bpmn-engine would otherwise wait forever at an element that no longer exists. The
 * case then waits at the mapped elements of the new version; its variables stay, its
 * open tasks are replaced by new ones and its timers restart.
 */
export async function planMigration(
  ctx: RuntimeContext,
  instanceId: string,
  toVersion: number,
  mapping: Record<string, string> = {},
): Promise<MigrationPlan> {
  const instance = await loadInstance(ctx, instanceId);
  if (instance.status === 'completed' || instance.status === 'cancelled') {
    throw new ConflictError('instance_ended', `instance "${instanceId}" is already ${instance.status}`);
  }
  const [source, target, current] = await Promise.all([
    ctx.definitions.compile(instance.definitionKey, instance.definitionVersion),
    ctx.definitions.compile(instance.definitionKey, toVersion),
    loadCurrent(ctx, instance),
  ]);
  const waiting = new Set<string>([
    ...current.openTasks.map((task) => task.elementId),
    ...current.subscriptions.map((sub) => sub.elementId),
    ...current.timers.map((timer) => timer.elementId),
    ...instance.incidents.map((incident) => incident.elementId),
  ]);
  const problems: ErrorDetail[] = [];
  const moves: MigrationPlan['moves'] = [];
  for (const elementId of waiting) {
    const from = source.model.elements.get(elementId);
    // Boundary events come back with the task they are attached to.
    if (!from || from.attachedTo) continue;
    const to = mapping[elementId] ?? elementId;
    const into = target.model.elements.get(to);
    if (!into) {
      problems.push({ elementId, message: `"${elementId}" has no place in version ${toVersion}: map it to an element of that version` });
    } else if (into.parentId !== target.key || from.parentId !== source.key) {
      problems.push({ elementId, message: `"${elementId}" is inside a sub-process: migrating those is not supported` });
    } else if (kindOf(from) !== kindOf(into)) {
      problems.push({ elementId, message: `"${elementId}" is a ${kindOf(from)} but "${to}" is a ${kindOf(into)}` });
    } else {
      moves.push({ from: elementId, to, name: into.name });
    }
  }
  for (const from of Object.keys(mapping)) {
    if (!waiting.has(from)) problems.push({ elementId: from, message: `the case does not wait at "${from}"` });
  }
  if (problems.length) {
    throw new InvalidError('migration_impossible', `the case cannot move to version ${toVersion}`, problems);
  }
  return { fromVersion: instance.definitionVersion, toVersion, moves };
}

export async function migrateInstance(
  ctx: RuntimeContext,
  instanceId: string,
  input: { toVersion: number; mapping?: Record<string, string> },
  actor: string,
): Promise<StepResult & { plan: MigrationPlan }> {
  return ctx.locks.run(instanceId, async () => {
    const plan = await planMigration(ctx, instanceId, input.toVersion, input.mapping);
    const instance = await loadInstance(ctx, instanceId);
    const current = await loadCurrent(ctx, instance);
    ctx.engine.forget(instanceId);
    const now = ctx.clock.now().toISOString();
    try {
      const result = await step(
        ctx,
        { ...current, instance: { ...instance, definitionVersion: input.toVersion, engineState: null, incidents: [] } },
        { type: 'start-before', elementIds: [...new Set(plan.moves.map((move) => move.to))] },
        {
          actor,
          history: [
            {
              instanceId,
              at: now,
              type: 'migrated',
              elementId: null,
              actor,
              data: { fromVersion: plan.fromVersion, toVersion: plan.toVersion, moves: plan.moves as unknown as Record<string, unknown>[] },
            },
          ],
        },
      );
      return { ...result, plan };
    } catch (err) {
      if (err instanceof ModificationError) {
        throw new InvalidError('migration_impossible', err.message, [{ elementId: err.elementId, message: err.message }]);
      }
      throw err;
    }
  });
}
