import { ConflictError, NotFoundError } from '../../errors.js';
import type { SubscriptionRecord, Variables } from '../../store/port.js';
import { loadCurrent, refExecutionId, step } from '../instance-step.js';
import type { RuntimeContext } from '../runtime-context.js';
import { startInstance } from './start-instance.js';

export interface MessageInput {
  name: string;
  correlationKey?: string | null;
  variables?: Variables;
}

export interface CorrelationResult {
  correlated: { instanceId: string }[];
  started: { instanceId: string }[];
}

export interface CorrelateOptions {
  actor: string;
  /** Set when an outgoing message of another instance is delivered: the first write
   * marks it delivered in the same transaction, and started instances get ids derived
   * from it, so that a redelivery after a crash starts nothing twice. */
  outboxId?: string;
}

const MAX_ATTEMPTS = 5;

/**
 * Delivers a message to every instance waiting for it (name + correlation key, one
 * subscription per instance); when none waits, starts the latest version of every
 * process with a message start event of that name. Throws NotFound `no_match` otherwise.
 */
export async function correlateMessage(ctx: RuntimeContext, input: MessageInput, options: CorrelateOptions): Promise<CorrelationResult> {
  const key = input.correlationKey ?? null;
  const variables = input.variables ?? {};
  const result: CorrelationResult = { correlated: [], started: [] };
  let consumes = options.outboxId;

  const subscriptions = await ctx.store.instances.findSubscriptions(input.name, key);
  const perInstance = new Map<string, SubscriptionRecord>();
  for (const sub of subscriptions) if (!perInstance.has(sub.instanceId)) perInstance.set(sub.instanceId, sub);

  for (const sub of perInstance.values()) {
    const delivered = await deliver(ctx, sub, input.name, key, variables, options.actor, consumes);
    if (delivered) {
      result.correlated.push({ instanceId: sub.instanceId });
      consumes = undefined;
    }
  }
  if (result.correlated.length) return result;

  for (const start of await ctx.definitions.startsFor(input.name)) {
    const instanceId = options.outboxId ? `${options.outboxId}-${start.definitionKey}` : undefined;
    try {
      const started = await startInstance(
        ctx,
        { definitionKey: start.definitionKey, version: start.version, startEventId: start.startEventId, variables, businessKey: key },
        { actor: options.actor, instanceId, consumesOutbox: consumes, startedBy: { messageName: input.name } },
      );
      result.started.push({ instanceId: started.instance.id });
      consumes = undefined;
    } catch (err) {
      // A redelivered hand-over whose instance exists already: nothing to do.
      if (!(err instanceof ConflictError) || !instanceId) throw err;
    }
  }
  if (!result.started.length && !result.correlated.length) {
    throw new NotFoundError('no_match', `no instance waits for message "${input.name}" and no process starts with it`);
  }
  return result;
}

/** Returns false when the subscription vanished meanwhile (another command took it). */
async function deliver(
  ctx: RuntimeContext,
  sub: SubscriptionRecord,
  name: string,
  key: string | null,
  variables: Variables,
  actor: string,
  consumesOutbox: string | undefined,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.locks.run(sub.instanceId, async () => {
        const instance = await ctx.store.instances.get(sub.instanceId);
        if (!instance || instance.status === 'completed' || instance.status === 'cancelled') return false;
        const current = await loadCurrent(ctx, instance);
        const still = current.subscriptions.find((candidate) => candidate.id === sub.id);
        if (!still) return false;
        const now = ctx.clock.now().toISOString();
        await step(ctx, current, { type: 'deliver-message', executionId: refExecutionId(still.ref), variables }, {
          actor,
          consumesOutbox,
          history: [
            { instanceId: instance.id, at: now, type: 'message-correlated', elementId: still.elementId, actor, data: { messageName: name, correlationKey: key } },
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
