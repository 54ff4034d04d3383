/**
 * Retention (AVG): after a process's retention period the case data of ended cases is
 * deleted, keeping the skeleton (ids, times, actors, element ids) and the audit trail.
 * Also the export of everything stored about one case, for a data subject's request.
 */
import type { Clock } from '../clock.js';
import { NotFoundError } from '../errors.js';
import type { InstanceRecord, Store } from '../store/port.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const BATCH = 200;

export interface RetentionDue {
  definitionKey: string;
  retentionDays: number;
  /** Cases that ended before this time are due. */
  endedBefore: string;
  instances: { id: string; businessKey: string | null; status: string; endedAt: string | null }[];
}

export interface RetentionOptions {
  store: Store;
  clock: Clock;
  defaultRetentionDays: number;
  /** Called for every purged case (the audit log records it). */
  onPurged?: (instance: InstanceRecord) => Promise<void>;
}

export function createRetentionService(options: RetentionOptions) {
  const { store, clock } = options;

  async function policies(): Promise<{ definitionKey: string; retentionDays: number; endedBefore: string }[]> {
    const now = clock.now().getTime();
    return (await store.definitions.latestVersions()).map((record) => {
      const setting = Number(record.settings.retentionDays);
      const retentionDays = Number.isInteger(setting) && setting > 0 ? setting : options.defaultRetentionDays;
      return { definitionKey: record.key, retentionDays, endedBefore: new Date(now - retentionDays * DAY_MS).toISOString() };
    });
  }

  return {
    /** What the next run would delete, per process. */
    async dueForDeletion(limitPerProcess = 500): Promise<RetentionDue[]> {
      const result: RetentionDue[] = [];
      for (const policy of await policies()) {
        const due = await store.instances.endedBefore(policy.definitionKey, policy.endedBefore, limitPerProcess);
        result.push({
          ...policy,
          instances: due.map((instance) => ({
            id: instance.id,
            businessKey: instance.businessKey,
            status: instance.status,
            endedAt: instance.endedAt,
          })),
        });
      }
      return result;
    },

    /** Purges every due case; returns how many. Safe to run on several nodes at once. */
    async run(): Promise<number> {
      let purged = 0;
      const at = clock.now().toISOString();
      for (const policy of await policies()) {
        for (;;) {
          const due = await store.instances.endedBefore(policy.definitionKey, policy.endedBefore, BATCH);
          if (!due.length) break;
          for (const instance of due) {
            await store.instances.purgeCaseData(instance.id, at);
            await options.onPurged?.(instance);
            purged++;
          }
          if (due.length < BATCH) break;
        }
      }
      return purged;
    },

    /** Everything stored about one case. */
    async exportCase(instanceId: string) {
      const instance = await store.instances.get(instanceId);
      if (!instance) throw new NotFoundError('instance_not_found', `no instance "${instanceId}"`);
      const [tasks, history, comments, timers, subscriptions, sent, audit] = await Promise.all([
        store.instances.tasksOfInstance(instanceId),
        store.instances.history(instanceId),
        store.comments.list(instanceId),
        store.instances.timersOfInstance(instanceId),
        store.instances.subscriptionsOfInstance(instanceId),
        collectPages((cursor) => store.outbox.list({ sourceInstanceId: instanceId, limit: 500, cursor })),
        collectPages((cursor) => store.audit.list({ instanceId, limit: 500, cursor })),
      ]);
      const { engineState: _engineState, ...caseRecord } = instance;
      return {
        exportedAt: clock.now().toISOString(),
        instance: caseRecord,
        tasks,
        history,
        comments,
        timers,
        subscriptions,
        messagesSent: sent,
        auditTrail: audit,
      };
    },
  };
}

async function collectPages<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const result = await page(cursor);
    all.push(...result.items);
    if (!result.nextCursor) return all;
    cursor = result.nextCursor;
  }
}

export type RetentionService = ReturnType<typeof createRetentionService>;
