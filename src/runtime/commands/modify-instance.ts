import { ConflictError, InvalidError } from '../../errors.js';
import { ModificationError, type ModifyInstruction } from '../../engine/engine-adapter.js';
import { loadCurrent, step, type StepResult } from '../instance-step.js';
import type { RuntimeContext } from '../runtime-context.js';
import { loadInstance } from './load-instance.js';

/**
 * Token modification, as Camunda's process instance modification: start before some
 * elements and cancel active ones (moving a waiting case back to an earlier step or on
 * to a later one), with a reason kept in the history. Nothing changes when an
 * instruction names an element that is not there or not active.
 */
export async function modifyInstance(
  ctx: RuntimeContext,
  instanceId: string,
  input: { reason: string; instructions: ModifyInstruction[] },
  actor: string,
): Promise<StepResult> {
  return ctx.locks.run(instanceId, async () => {
    const instance = await loadInstance(ctx, instanceId);
    if (instance.status === 'completed' || instance.status === 'cancelled') {
      throw new ConflictError('instance_ended', `instance "${instanceId}" is already ${instance.status}`);
    }
    const now = ctx.clock.now().toISOString();
    try {
      return await step(ctx, await loadCurrent(ctx, instance), { type: 'modify', instructions: input.instructions }, {
        actor,
        history: [
          {
            instanceId,
            at: now,
            type: 'modified',
            elementId: null,
            actor,
            data: { reason: input.reason, instructions: input.instructions as unknown as Record<string, unknown>[] },
          },
        ],
      });
    } catch (err) {
      if (err instanceof ModificationError) {
        throw new InvalidError('invalid_modification', err.message, [{ elementId: err.elementId, message: err.message }]);
      }
      throw err;
    }
  });
}
