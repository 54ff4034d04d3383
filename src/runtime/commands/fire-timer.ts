import { ConflictError } from '../../errors.js';
import { scheduleTimer } from '../../engine/timer-schedule.js';
import type { TimerRecord } from '../../store/port.js';
import { loadCurrent, refExecutionId, step } from '../instance-step.js';
import type { RuntimeContext } from '../runtime-context.js';
import { startInstance } from './start-instance.js';

const MAX_ATTEMPTS = 5;

/**
 * Fires a timer this node holds the lease of. Instance timers advance their instance
 * (whose save removes the timer); start timers start an instance and are rescheduled or
 * removed. Returns false when the timer was gone already.
 */
export async function fireTimer(ctx: RuntimeContext, timer: TimerRecord): Promise<boolean> {
  if (timer.instanceId === null) return fireStartTimer(ctx, timer);
  const instanceId = timer.instanceId;
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.locks.run(instanceId, async () => {
        const instance = await ctx.store.instances.get(instanceId);
        if (!instance || instance.status === 'completed' || instance.status === 'cancelled') return false;
        const current = await loadCurrent(ctx, instance);
        const still = current.timers.find((candidate) => candidate.id === timer.id);
        if (!still) return false;
        const now = ctx.clock.now().toISOString();
        await step(ctx, current, { type: 'fire-timer', executionId: refExecutionId(still.ref) }, {
          actor: 'system',
          history: [
            {
              instanceId,
              at: now,
              type: 'timer-fired',
              elementId: still.elementId,
              actor: 'system',
              data: { dueAt: still.dueAt, lagMs: Date.parse(now) - Date.parse(still.dueAt) },
            },
          ],
        });
        return true;
      });
    } catch (err) {
      if (err instanceof ConflictError && attempt < MAX_ATTEMPTS) continue;
      throw err;
    }
  }
}

async function fireStartTimer(ctx: RuntimeContext, timer: TimerRecord): Promise<boolean> {
  // The instance id is derived from the timer and its due time: a node that dies after
  // starting but before rescheduling cannot make a second node start it again.
  const instanceId = `${timer.id}-${Date.parse(timer.dueAt).toString(36)}`;
  try {
    await startInstance(
      ctx,
      { definitionKey: timer.definitionKey, version: timer.definitionVersion, startEventId: timer.elementId },
      { actor: 'system', instanceId, startedBy: { timer: timer.elementId, dueAt: timer.dueAt } },
    );
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
  }
  let next: TimerRecord | null = null;
  if (timer.repetitionsLeft !== null && timer.repetitionsLeft !== 0) {
    const compiled = await ctx.definitions.compile(timer.definitionKey, timer.definitionVersion);
    const definition = compiled.model.elements.get(timer.elementId)?.timer;
    if (definition) {
      const schedule = scheduleTimer(definition, {}, { now: new Date(timer.dueAt) }, timer.repetitionsLeft === -1 ? null : timer.repetitionsLeft + 1);
      next = {
        ...timer,
        dueAt: schedule.dueAt.toISOString(),
        repetitionsLeft: timer.repetitionsLeft === -1 ? -1 : timer.repetitionsLeft - 1,
        leaseOwner: null,
        leaseUntil: null,
      };
    }
  }
  await ctx.store.timers.rescheduleStartTimer(timer.id, ctx.nodeId, next);
  return true;
}
