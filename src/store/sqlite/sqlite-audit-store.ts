import { decodeCursor, encodeCursor, pageLimit } from '../paging.js';
import type { AuditEntry, AuditEntryInput, AuditOutcome, AuditQuery, AuditStore, Page } from '../port.js';
import { storedAuditForm } from '../audit-stored-form.js';
import { fromJson, toJson, toMs, type SqliteDatabase } from './sqlite-database.js';

interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  role: string | null;
  organisation: string | null;
  action: string;
  resource: string;
  instance_id: string | null;
  outcome: AuditOutcome;
  details: string | null;
  prev_hash: string;
  hash: string;
}

type AuditHash = (prevHash: string, seq: number, entry: AuditEntryInput) => string;

/** The prevHash of entry 1 (see AuditEntry.prevHash). */
const GENESIS_PREV_HASH = '';

export class SqliteAuditStore implements AuditStore {
  private readonly selectLast;
  private readonly insertEntry;
  private readonly selectAfter;
  private readonly appendTx;

  constructor(private readonly sqlite: SqliteDatabase) {
    this.selectLast = sqlite.statement<{ seq: number; hash: string }>(
      `SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1`,
    );
    this.insertEntry = sqlite.statement<AuditRow>(
      `INSERT INTO audit_entries (seq, at, at_ms, actor, role, organisation, action, resource, instance_id,
         outcome, details, prev_hash, hash)
       VALUES (@seq, @at, @atMs, @actor, @role, @organisation, @action, @resource, @instanceId,
         @outcome, @details, @prevHash, @hash)
       RETURNING *`,
    );
    this.selectAfter = sqlite.statement<AuditRow>(
      `SELECT * FROM audit_entries WHERE seq > ? ORDER BY seq LIMIT ?`,
    );
    // Read the last entry and insert the next under the write lock (BEGIN IMMEDIATE), so
    // that appends of other connections and processes wait and chain onto this one.
    this.appendTx = sqlite.groupedTransaction((entry: AuditEntryInput, hash: AuditHash) => {
      const last = this.selectLast.get();
      const seq = (last?.seq ?? 0) + 1;
      const prevHash = last?.hash ?? GENESIS_PREV_HASH;
      const digest = hash(prevHash, seq, entry);
      if (typeof digest !== 'string' || digest === '') {
        throw new Error(`audit: the hash function returned no hash for entry ${seq}`);
      }
      return this.insertEntry.get({
        seq,
        at: entry.at,
        atMs: toMs(entry.at, 'at'),
        actor: entry.actor,
        role: entry.role,
        organisation: entry.organisation,
        action: entry.action,
        resource: entry.resource,
        instanceId: entry.instanceId,
        outcome: entry.outcome,
        details: entry.details === undefined ? null : toJson(entry.details),
        prevHash,
        hash: digest,
      }) as AuditRow;
    });
  }

  async append(entry: AuditEntryInput, hash: AuditHash): Promise<AuditEntry> {
    toMs(entry.at, 'at');
    return toAuditEntry(await this.appendTx(storedAuditForm(entry), hash));
  }

  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    const limit = pageLimit(query.limit);
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.instanceId !== undefined) {
      where.push('instance_id = ?');
      params.push(query.instanceId);
    }
    if (query.actor !== undefined) {
      where.push('actor = ?');
      params.push(query.actor);
    }
    if (query.from !== undefined) {
      where.push('at_ms >= ?');
      params.push(toMs(query.from, 'from'));
    }
    if (query.to !== undefined) {
      where.push('at_ms <= ?');
      params.push(toMs(query.to, 'to'));
    }
    if (query.cursor !== undefined) {
      const [seq] = decodeCursor(query.cursor, ['number']);
      where.push('seq < ?');
      params.push(seq);
    }
    const sql =
      `SELECT * FROM audit_entries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ` +
      `ORDER BY seq DESC LIMIT ?`;
    const rows = this.sqlite.run(() => this.sqlite.statement<AuditRow>(sql).all(...params, limit + 1));
    const more = rows.length > limit;
    const pageRows = more ? rows.slice(0, limit) : rows;
    const last = pageRows[pageRows.length - 1];
    return { items: pageRows.map(toAuditEntry), nextCursor: more ? encodeCursor([last.seq]) : null };
  }

  async scan(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    const count = Math.max(0, Math.floor(limit));
    return this.sqlite.run(() => this.selectAfter.all(afterSeq, count)).map(toAuditEntry);
  }
}

function toAuditEntry(row: AuditRow): AuditEntry {
  const entry: AuditEntry = {
    at: row.at,
    actor: row.actor,
    role: row.role,
    organisation: row.organisation,
    action: row.action,
    resource: row.resource,
    instanceId: row.instance_id,
    outcome: row.outcome,
    seq: row.seq,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
  if (row.details !== null) entry.details = fromJson<Record<string, unknown>>(row.details);
  return entry;
}
