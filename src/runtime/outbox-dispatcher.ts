import { NotFoundError } from '../errors.js';
import { correlateMessage } from './commands/correlate-message.js';
import type { RuntimeContext } from './runtime-context.js';

const MAX_BACKOFF_MS = 60 * 60 * 1000;

/**
 * Delivers the messages instances threw (hand-overs between processes). Each message
 * was written in its sender's transaction; the receiver's write marks it delivered in
 * its own transaction, so a crash in between delivers it again at most to a process
 * that no longer waits for it. A message nobody waits for is retried with backoff and
 * stays visible until it matches.
 */
export async function deliverOutbox(
  ctx: RuntimeContext,
  options: { leaseMs: number; batchSize: number; onError?: (err: unknown) => void; stopped?: () => boolean },
): Promise<number> {
  let delivered = 0;
  const now = ctx.clock.now();
  const due = await ctx.store.outbox.due(now.toISOString(), options.batchSize);
  for (const candidate of due) {
    if (options.stopped?.()) break; // stopping: take no further messages
    const claimAt = ctx.clock.now(); // the lease runs from the claim (see the timer scheduler)
    const claimed = await ctx.store.outbox.claim(candidate.id, ctx.nodeId, claimAt.toISOString(), new Date(claimAt.getTime() + options.leaseMs).toISOString());
    if (!claimed) continue;
    try {
      const result = await correlateMessage(
        ctx,
        { name: claimed.messageName, correlationKey: claimed.correlationKey, variables: claimed.variables },
        { actor: `instance:${claimed.sourceInstanceId}`, outboxId: claimed.id },
      );
      const targets = [...result.correlated, ...result.started].map((target) => target.instanceId);
      await ctx.store.outbox.markDelivered(claimed.id, ctx.nodeId, ctx.clock.now().toISOString(), targets);
      delivered++;
    } catch (err) {
      const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(claimed.attempts, 20));
      const reason = err instanceof NotFoundError ? 'no instance waits for it and no process starts with it' : (err as Error).message;
      await ctx.store.outbox
        .retryLater(claimed.id, ctx.nodeId, new Date(ctx.clock.now().getTime() + backoff).toISOString(), reason)
        .catch(() => undefined);
      if (!(err instanceof NotFoundError)) options.onError?.(err);
    }
  }
  return delivered;
}
