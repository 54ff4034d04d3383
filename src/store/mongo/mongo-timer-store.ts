import { ConflictError } from '../../errors.js';
import { checkStartTimer, checkStartTimers } from '../instance-write-checks.js';
import type { Json, TimerRecord, TimerStore } from '../port.js';
import { applyOperations, fromJson, toJson, toMs, toMsOrNull, type MongoDatabase } from './mongo-database.js';
import type { TimerDoc } from './schemas.js';

/** How often a lease update that raced a save of the same timer is tried again. */
const LEASE_ATTEMPTS = 5;

/**
 * Timers: instance timers are written by the instance's saves (mongo-instance-store.ts),
 * start timers by deploys. Leases are taken with a conditional update, so that of several
 * nodes exactly one fires a timer, and a dead node's lease expires.
 */
export class MongoTimerStore implements TimerStore {
  constructor(
    private readonly db: MongoDatabase,
    /** Applies committed instance writes that a dead node left unapplied (see the instance store). */
    private readonly sweep: () => Promise<void>,
  ) {}

  private get timers() {
    return this.db.models.timers;
  }

  /**
   * Inserts (or overwrites) the new start timers first and removes the key's others after,
   * so that a failure in between leaves too many start timers for a moment, never none.
   */
  async replaceStartTimers(definitionKey: string, timers: TimerRecord[]): Promise<void> {
    checkStartTimers(definitionKey, timers);
    const docs = timers.map((timer) => toTimerDoc(timer, 0));
    await this.db.run(async () => {
      await applyOperations(
        this.timers,
        docs.map(({ _id, ...doc }) => ({ replaceOne: { filter: { _id }, replacement: doc, upsert: true } })),
      );
      await this.timers.deleteMany({ instanceId: null, definitionKey, _id: { $nin: docs.map((doc) => doc._id) } }).exec();
    });
  }

  async startTimers(definitionKey: string): Promise<TimerRecord[]> {
    const docs = await this.db.run(() =>
      this.timers.find({ instanceId: null, definitionKey }).sort({ dueMs: 1, _id: 1 }).lean<TimerDoc[]>().exec(),
    );
    return docs.map(toTimer);
  }

  async due(now: string, limit: number): Promise<TimerRecord[]> {
    const nowMs = toMs(now, 'now');
    const max = Math.max(0, Math.floor(limit));
    await this.sweep();
    if (max === 0) return [];
    const docs = await this.db.run(() =>
      this.timers
        .find({ dueMs: { $lte: nowMs }, readyMs: { $lte: nowMs } })
        .sort({ dueMs: 1, _id: 1 })
        .limit(max)
        .lean<TimerDoc[]>()
        .exec(),
    );
    return docs.map(toTimer);
  }

  async claim(id: string, owner: string, now: string, leaseUntil: string): Promise<TimerRecord | null> {
    const nowMs = toMs(now, 'now');
    const leaseUntilMs = toMs(leaseUntil, 'leaseUntil');
    return this.db.run(async () => {
      for (let attempt = 1; attempt <= LEASE_ATTEMPTS; attempt++) {
        const current = await this.timers.findOne({ _id: id }).lean<TimerDoc>().exec();
        if (!current) return null;
        // The lease is free, expired at `now`, or the asking owner's own.
        const takeable = [{ leaseOwner: null }, { leaseUntilMs: null }, { leaseUntilMs: { $lte: nowMs } }, { leaseOwner: owner }];
        // A conditional updateOne (atomic on every server), then the record as claimed.
        const result = await this.timers
          .updateOne(
            { _id: id, dueMs: current.dueMs, $or: takeable },
            { $set: { leaseOwner: owner, leaseUntil, leaseUntilMs, readyMs: readyMs(current.dueMs, owner, leaseUntilMs) } },
          )
          .exec();
        if (result.matchedCount > 0) {
          const claimed = await this.timers.findOne({ _id: id }).lean<TimerDoc>().exec();
          return claimed && claimed.leaseOwner === owner ? toTimer(claimed) : null;
        }
        // Either someone else holds a live lease, or a save moved the timer meanwhile: look again.
        const again = await this.timers.findOne({ _id: id }).lean<TimerDoc>().exec();
        if (!again || again.dueMs === current.dueMs) return null;
      }
      return null;
    });
  }

  async release(id: string, owner: string): Promise<void> {
    await this.db.run(async () => {
      for (let attempt = 1; attempt <= LEASE_ATTEMPTS; attempt++) {
        const current = await this.timers.findOne({ _id: id, leaseOwner: owner }).lean<TimerDoc>().exec();
        if (!current) return;
        const result = await this.timers
          .updateOne(
            { _id: id, leaseOwner: owner, dueMs: current.dueMs },
            { $set: { leaseOwner: null, leaseUntil: null, leaseUntilMs: null, readyMs: current.dueMs } },
          )
          .exec();
        if (result.matchedCount > 0) return;
      }
    });
  }

  async rescheduleStartTimer(id: string, owner: string, next: TimerRecord | null): Promise<void> {
    await this.db.run(async () => {
      const current = await this.timers.findOne({ _id: id, instanceId: null, leaseOwner: owner }).lean<TimerDoc>().exec();
      if (!current) throw leaseLost(id, owner);
      if (next) checkStartTimer(current.definitionKey, next);
      const mine = { _id: id, instanceId: null, leaseOwner: owner };
      if (next === null) {
        const removed = await this.timers.deleteOne(mine).exec();
        if (removed.deletedCount === 0) throw leaseLost(id, owner);
        return;
      }
      const { _id, ...doc } = toTimerDoc({ ...next, leaseOwner: null, leaseUntil: null }, 0);
      if (_id === id) {
        // One conditional replace: the new due time with the lease freed, only for the holder.
        const replaced = await this.timers.replaceOne(mine, doc).exec();
        if (replaced.matchedCount === 0) throw leaseLost(id, owner);
        return;
      }
      // A new id: insert it, then remove the old one while the lease is still ours.
      await this.timers.replaceOne({ _id }, doc, { upsert: true }).exec();
      const removed = await this.timers.deleteOne(mine).exec();
      if (removed.deletedCount === 0) {
        await this.timers.deleteOne({ _id }).exec();
        throw leaseLost(id, owner);
      }
    });
  }

  async nextDueAt(): Promise<string | null> {
    const [doc] = await this.db.run(() => this.timers.find({}).sort({ readyMs: 1 }).limit(1).lean<TimerDoc[]>().exec());
    if (!doc) return null;
    return doc.readyMs === doc.dueMs ? doc.dueAt : (doc.leaseUntil as string);
  }
}

function leaseLost(id: string, owner: string): ConflictError {
  return new ConflictError('lease_lost', `Start timer ${id} is gone or its lease is not held by ${owner}.`);
}

/** dueMs, or the end of the lease when a lease runs past the due time. */
function readyMs(dueMs: number, leaseOwner: string | null, leaseUntilMs: number | null): number {
  if (leaseOwner === null || leaseUntilMs === null || leaseUntilMs < dueMs) return dueMs;
  return leaseUntilMs;
}

export function toTimerDoc(timer: TimerRecord, rev: number): TimerDoc {
  const dueMs = toMs(timer.dueAt, 'dueAt');
  const leaseUntilMs = toMsOrNull(timer.leaseUntil, 'leaseUntil');
  return {
    _id: timer.id,
    instanceId: timer.instanceId,
    definitionKey: timer.definitionKey,
    definitionVersion: timer.definitionVersion,
    elementId: timer.elementId,
    timerType: timer.timerType,
    dueAt: timer.dueAt,
    dueMs,
    repetitionsLeft: timer.repetitionsLeft,
    refJson: toJson(timer.ref),
    leaseOwner: timer.leaseOwner,
    leaseUntil: timer.leaseUntil,
    leaseUntilMs,
    readyMs: readyMs(dueMs, timer.leaseOwner, leaseUntilMs),
    rev,
  };
}

export function toTimer(doc: TimerDoc): TimerRecord {
  return {
    id: doc._id,
    instanceId: doc.instanceId,
    definitionKey: doc.definitionKey,
    definitionVersion: doc.definitionVersion,
    elementId: doc.elementId,
    timerType: doc.timerType,
    dueAt: doc.dueAt,
    repetitionsLeft: doc.repetitionsLeft,
    ref: fromJson<Json>(doc.refJson),
    leaseOwner: doc.leaseOwner,
    leaseUntil: doc.leaseUntil,
  };
}
