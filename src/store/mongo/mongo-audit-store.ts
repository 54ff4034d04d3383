import { setTimeout as sleep } from 'node:timers/promises';
import { UnavailableError } from '../../errors.js';
import { decodeCursor, encodeCursor, pageLimit } from '../paging.js';
import type { AuditEntry, AuditEntryInput, AuditOutcome, AuditQuery, AuditStore, Page } from '../port.js';
import { storedAuditForm } from '../audit-stored-form.js';
import { isDuplicateKey } from './mongo-errors.js';
import { fromJson, toJson, toMs, type MongoDatabase } from './mongo-database.js';
import type { AuditDoc } from './schemas.js';

type AuditHash = (prevHash: string, seq: number, entry: AuditEntryInput) => string;

/** The prevHash of entry 1 (see AuditEntry.prevHash). */
const GENESIS_PREV_HASH = '';
/** Appends that lose the race for a seq this often in a row give up (503). */
const MAX_APPEND_ATTEMPTS = 200;

/**
 * The audit log: one document per entry with `_id` = seq. An append reads the last entry
 * and inserts seq + 1 chained onto it; the unique `_id` decides a race between nodes (the
 * loser gets a duplicate key, reads the new last entry and tries again), so all nodes form
 * one chain without gaps or forks. Within one process appends queue up, so they do not race
 * each other. Append-only: this class offers no update or delete (restrict the database
 * user of Samenspel to find/insert on `audit_entries` to enforce it; see docs/operations.md).
 */
export class MongoAuditStore implements AuditStore {
  /** The append before the next one; settles with the moment it found the database unreachable, if it did. */
  private queue: Promise<{ unavailableAt: number; error: UnavailableError } | null> = Promise.resolve(null);
  /** The last entry this store appended: the next append tries to chain onto it without
   * reading first (right unless another node appended meanwhile; then the insert fails on
   * the seq and the append reads the real last entry). Trusted only while the database has
   * not been away since (`outages`): a restored database may end before it, and an insert
   * after it would succeed and break the chain. */
  private last: { seq: number; hash: string; outages: number } | null = null;

  constructor(private readonly db: MongoDatabase) {}

  private get entries() {
    return this.db.models.audit;
  }

  async append(entry: AuditEntryInput, hash: AuditHash): Promise<AuditEntry> {
    toMs(entry.at, 'at');
    const input = storedAuditForm(entry);
    const queuedAt = Date.now();
    let refusedWith: { unavailableAt: number; error: UnavailableError } | null = null;
    const run = this.queue.then((before) => {
      // The append ahead of this one found the database unreachable while this one waited:
      // so would this one, after another full server selection timeout, and every append
      // queued behind it after one more each. Refused together, they answer within one.
      if (before !== null && before.unavailableAt >= queuedAt) {
        refusedWith = before;
        throw before.error;
      }
      return this.appendNow(input, hash);
    });
    this.queue = run.then(
      () => null,
      (error: unknown) => refusedWith ?? (error instanceof UnavailableError ? { unavailableAt: Date.now(), error } : null),
    );
    return run;
  }

  private async appendNow(entry: AuditEntryInput, hash: AuditHash): Promise<AuditEntry> {
    for (let attempt = 1; ; attempt++) {
      const outages = this.db.outageCount;
      let last: { seq: number; hash: string } | null = this.last !== null && this.last.outages === outages ? this.last : null;
      if (last === null) {
        const [doc] = await this.db.run(() => this.entries.find({}).sort({ _id: -1 }).limit(1).lean<AuditDoc[]>().exec());
        last = doc ? { seq: doc._id, hash: doc.hash } : { seq: 0, hash: GENESIS_PREV_HASH };
      }
      this.last = null;
      const seq = last.seq + 1;
      const prevHash = last.hash;
      const digest = hash(prevHash, seq, entry);
      if (typeof digest !== 'string' || digest === '') {
        throw new Error(`audit: the hash function returned no hash for entry ${seq}`);
      }
      const doc: AuditDoc = {
        _id: seq,
        at: entry.at,
        atMs: toMs(entry.at, 'at'),
        actor: entry.actor,
        role: entry.role,
        organisation: entry.organisation,
        action: entry.action,
        resource: entry.resource,
        instanceId: entry.instanceId,
        outcome: entry.outcome,
        detailsJson: entry.details === undefined ? null : toJson(entry.details),
        prevHash,
        hash: digest,
      };
      try {
        await this.db.run(() => this.entries.insertMany([doc], { lean: true }));
        this.last = { seq, hash: digest, outages };
        return toAuditEntry(doc);
      } catch (error) {
        const lostRace = isDuplicateKey(error) || (error as { code?: string }).code === 'duplicate_id';
        if (!lostRace) throw error;
        if (attempt === 1) continue; // chained onto a stale last entry: read the real one
        if (attempt >= MAX_APPEND_ATTEMPTS) {
          throw new UnavailableError('audit_contended', 'The audit log is too busy to append to right now.');
        }
        // Another node took this seq: back off a little (more after many losses) and chain on.
        await sleep(Math.random() * Math.min(50, attempt * 2));
      }
    }
  }

  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    const limit = pageLimit(query.limit);
    const filter: Record<string, unknown> = {};
    if (query.instanceId !== undefined) filter.instanceId = query.instanceId;
    if (query.actor !== undefined) filter.actor = query.actor;
    const at: Record<string, number> = {};
    if (query.from !== undefined) at.$gte = toMs(query.from, 'from');
    if (query.to !== undefined) at.$lte = toMs(query.to, 'to');
    if (Object.keys(at).length > 0) filter.atMs = at;
    if (query.cursor !== undefined) {
      const [seq] = decodeCursor(query.cursor, ['number']);
      filter._id = { $lt: seq };
    }
    const docs = await this.db.run(() => this.entries.find(filter).sort({ _id: -1 }).limit(limit + 1).lean<AuditDoc[]>().exec());
    const more = docs.length > limit;
    const page = more ? docs.slice(0, limit) : docs;
    const last = page[page.length - 1];
    return { items: page.map(toAuditEntry), nextCursor: more ? encodeCursor([last._id]) : null };
  }

  async scan(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    const count = Math.max(0, Math.floor(limit));
    if (count === 0) return [];
    const docs = await this.db.run(() => this.entries.find({ _id: { $gt: afterSeq } }).sort({ _id: 1 }).limit(count).lean<AuditDoc[]>().exec());
    return docs.map(toAuditEntry);
  }
}

function toAuditEntry(doc: AuditDoc): AuditEntry {
  const entry: AuditEntry = {
    at: doc.at,
    actor: doc.actor,
    role: doc.role,
    organisation: doc.organisation,
    action: doc.action,
    resource: doc.resource,
    instanceId: doc.instanceId,
    outcome: doc.outcome as AuditOutcome,
    seq: doc._id,
    prevHash: doc.prevHash,
    hash: doc.hash,
  };
  if (doc.detailsJson !== null && doc.detailsJson !== undefined) entry.details = fromJson<Record<string, unknown>>(doc.detailsJson);
  return entry;
}
