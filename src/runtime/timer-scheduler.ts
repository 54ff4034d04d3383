import type { TimerRecord } from '../store/port.js';
import type { RuntimeContext } from './runtime-context.js';
import { fireTimer } from './commands/fire-timer.js';
import { deliverOutbox } from './outbox-dispatcher.js';

export interface SchedulerOptions {
  /** Longest sleep between two looks at the store. */
  pollMs: number;
  /** How long a claimed timer is ours; a node that dies loses it after this. */
  leaseMs: number;
  batchSize: number;
  /** Timers of one batch fired at once (default 8): their claims and saves are asked for in
   * the same turns and can share a commit (one WAL sync) where the store groups commits. */
  concurrency?: number;
  onError?: (err: unknown) => void;
}

export interface Scheduler {
  start(): void;
  /** Stops taking work and waits for what is running. */
  stop(): Promise<void>;
  /** Fires everything due now (tests and start-up). Returns how many fired. */
  runDue(): Promise<number>;
}

/**
 * Fires due timers and delivers outgoing messages. Every item is claimed with a lease
 * first (an atomic conditional update), so that several nodes never fire one timer twice
 * and the timers of a dead node fire once its leases expire.
 */
export function createScheduler(ctx: RuntimeContext, options: SchedulerOptions): Scheduler {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = true;

  /** `manual` for runDue() called by a test or at start-up, which runs even when stopped. */
  async function fireDueTimers(manual: boolean): Promise<number> {
    let fired = 0;
    for (;;) {
      const now = ctx.clock.now();
      const due = await ctx.store.timers.due(now.toISOString(), options.batchSize);
      if (!due.length) return fired;
      let claimedAny = false;
      // Several lanes fire the batch; the due timers of one instance go to one lane, in the
      // order the store gave (due time), so that an instance's timers fire in their order.
      const byInstance = new Map<string, TimerRecord[]>();
      for (const timer of due) {
        const key = timer.instanceId ?? timer.id;
        byInstance.set(key, [...(byInstance.get(key) ?? []), timer]);
      }
      const groups = [...byInstance.values()];
      let next = 0;
      const lane = async () => {
        while (next < groups.length) {
          for (const candidate of groups[next++]) {
            // Stopping: take no further timers (those being fired finish, their leases go with them).
            if (stopped && !manual) return;
            // The lease runs from the moment of the claim, not from the look at the store: a
            // long batch on a slow machine would otherwise hand out leases that expired already,
            // and another node would fire the same timer alongside this one.
            const claimAt = ctx.clock.now();
            const claimed = await ctx.store.timers.claim(
              candidate.id,
              ctx.nodeId,
              claimAt.toISOString(),
              new Date(claimAt.getTime() + options.leaseMs).toISOString(),
            );
            if (!claimed) continue;
            claimedAny = true;
            try {
              if (await fireTimer(ctx, claimed)) fired++;
            } catch (err) {
              await ctx.store.timers.release(claimed.id, ctx.nodeId).catch(() => undefined);
              options.onError?.(err);
            }
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, groups.length) }, lane));
      if (!claimedAny || (stopped && !manual)) return fired;
    }
  }

  async function runDue(manual = true): Promise<number> {
    const fired = await fireDueTimers(manual);
    await deliverOutbox(ctx, { ...options, stopped: () => stopped && !manual });
    return fired;
  }

  function schedule(delay: number): void {
    if (stopped) return;
    timer = setTimeout(tick, delay);
    timer.unref?.();
  }

  function tick(): void {
    timer = null;
    running = runDue(false)
      .catch((err) => options.onError?.(err))
      .finally(() => {
        running = null;
        schedule(options.pollMs);
      });
  }

  // A saved step with an outgoing message or a new timer due soon wakes the loop early.
  ctx.events.on('instance-changed', (write: { outbox?: unknown[]; timers?: { dueAt: string }[] }) => {
    if (stopped || running || !timer) return;
    const soon = ctx.clock.now().getTime() + options.pollMs;
    const wake = (write.outbox?.length ?? 0) > 0 || (write.timers ?? []).some((t) => Date.parse(t.dueAt) < soon);
    if (!wake) return;
    clearTimeout(timer);
    schedule(0);
  });

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      if (running) await running;
    },
    runDue: () => runDue(true),
  };
}
