import { decodeCursor, encodeCursor, pageLimit } from '../paging.js';
import type { OutboxQuery, OutboxRecord, OutboxState, OutboxStore, Page, Variables } from '../port.js';
import { fromJson, toJson, toMs, toMsOrNull, type SqliteDatabase } from './sqlite-database.js';

export interface OutboxRow {
  id: string;
  source_instance_id: string;
  source_element_id: string;
  message_name: string;
  correlation_key: string | null;
  variables: string;
  created_at: string;
  created_ms: number;
  due_at: string;
  attempts: number;
  last_error: string | null;
  lease_owner: string | null;
  lease_until: string | null;
  state: OutboxState;
  delivered_at: string | null;
  delivered_to: string;
}

/** Inserts a message thrown by an instance write; always as pending. */
export const INSERT_OUTBOX_SQL = `INSERT INTO outbox (id, source_instance_id, source_element_id, message_name,
    correlation_key, variables, created_at, created_ms, due_at, due_ms, attempts, last_error,
    lease_owner, lease_until, lease_until_ms, state, delivered_at, delivered_to)
  VALUES (@id, @sourceInstanceId, @sourceElementId, @messageName,
    @correlationKey, @variables, @createdAt, @createdMs, @dueAt, @dueMs, @attempts, @lastError,
    @leaseOwner, @leaseUntil, @leaseUntilMs, 'pending', NULL, '[]')`;

/** Inserts a message as an export holds it, with its delivery state (restore). */
export const RESTORE_OUTBOX_SQL = `INSERT INTO outbox (id, source_instance_id, source_element_id, message_name,
    correlation_key, variables, created_at, created_ms, due_at, due_ms, attempts, last_error,
    lease_owner, lease_until, lease_until_ms, state, delivered_at, delivered_to)
  VALUES (@id, @sourceInstanceId, @sourceElementId, @messageName,
    @correlationKey, @variables, @createdAt, @createdMs, @dueAt, @dueMs, @attempts, @lastError,
    @leaseOwner, @leaseUntil, @leaseUntilMs, @state, @deliveredAt, @deliveredTo)`;

/** Takes a pending message for an instance write (exactly-once hand-over). */
export const CONSUME_OUTBOX_SQL = `UPDATE outbox SET state = 'delivered', delivered_at = @at,
    delivered_to = json_array(@instanceId)
  WHERE id = @id AND state = 'pending'`;

export class SqliteOutboxStore implements OutboxStore {
  private readonly selectDue;
  private readonly claimMessage;
  private readonly selectMessage;
  private readonly updateDelivered;
  private readonly updateRetry;
  private readonly markDeliveredTx;

  constructor(private readonly sqlite: SqliteDatabase) {
    this.selectDue = sqlite.statement<OutboxRow>(
      `SELECT * FROM outbox WHERE state = 'pending' AND due_ms <= @nowMs AND ready_ms <= @nowMs
       ORDER BY due_ms, id LIMIT @limit`,
    );
    this.claimMessage = sqlite.statement<OutboxRow>(
      `UPDATE outbox SET lease_owner = @owner, lease_until = @leaseUntil, lease_until_ms = @leaseUntilMs
       WHERE id = @id AND state = 'pending'
         AND (lease_owner IS NULL OR lease_until_ms IS NULL OR lease_until_ms <= @nowMs OR lease_owner = @owner)
       RETURNING *`,
    );
    this.selectMessage = sqlite.statement<OutboxRow>(`SELECT * FROM outbox WHERE id = ?`);
    this.updateDelivered = sqlite.statement(
      `UPDATE outbox SET state = 'delivered', delivered_at = coalesce(delivered_at, @at), delivered_to = @deliveredTo,
         lease_owner = NULL, lease_until = NULL, lease_until_ms = NULL
       WHERE id = @id`,
    );
    this.updateRetry = sqlite.statement(
      `UPDATE outbox SET attempts = attempts + 1, last_error = @error, due_at = @dueAt, due_ms = @dueMs,
         lease_owner = NULL, lease_until = NULL, lease_until_ms = NULL
       WHERE id = @id AND state = 'pending' AND lease_owner = @owner`,
    );
    this.markDeliveredTx = sqlite.transaction((id: string, at: string, targets: string[]) => {
      const row = this.selectMessage.get(id);
      if (!row) return;
      const deliveredTo = [...new Set([...fromJson<string[]>(row.delivered_to), ...targets])];
      this.updateDelivered.run({ id, at, deliveredTo: toJson(deliveredTo) });
    });
  }

  async due(now: string, limit: number): Promise<OutboxRecord[]> {
    const nowMs = toMs(now, 'now');
    const params = { nowMs, limit: Math.max(0, Math.floor(limit)) };
    return this.sqlite.run(() => this.selectDue.all(params)).map(toOutbox);
  }

  async claim(id: string, owner: string, now: string, leaseUntil: string): Promise<OutboxRecord | null> {
    const params = { id, owner, nowMs: toMs(now, 'now'), leaseUntil, leaseUntilMs: toMs(leaseUntil, 'leaseUntil') };
    const row = this.sqlite.run(() => this.claimMessage.get(params));
    return row ? toOutbox(row) : null;
  }

  /**
   * Marks the message delivered (keeping the delivery time of a consuming write), adds the
   * targets and frees the lease. Recording a delivery is idempotent, so the lease is not
   * checked: the consuming write already decided who delivered it.
   */
  async markDelivered(id: string, _owner: string, at: string, targets: string[]): Promise<void> {
    toMs(at, 'at');
    this.markDeliveredTx(id, at, targets);
  }

  /** Only for the lease holder of a pending message; otherwise nothing changes. */
  async retryLater(id: string, owner: string, dueAt: string, error: string): Promise<void> {
    const params = { id, owner, dueAt, dueMs: toMs(dueAt, 'dueAt'), error };
    this.sqlite.run(() => this.updateRetry.run(params));
  }

  async get(id: string): Promise<OutboxRecord | null> {
    const row = this.sqlite.run(() => this.selectMessage.get(id));
    return row ? toOutbox(row) : null;
  }

  async list(query: OutboxQuery): Promise<Page<OutboxRecord>> {
    const limit = pageLimit(query.limit);
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.state !== undefined) {
      where.push('state = ?');
      params.push(query.state);
    }
    if (query.sourceInstanceId !== undefined) {
      where.push('source_instance_id = ?');
      params.push(query.sourceInstanceId);
    }
    if (query.messageName !== undefined) {
      where.push('message_name = ?');
      params.push(query.messageName);
    }
    if (query.cursor !== undefined) {
      const [createdMs, id] = decodeCursor(query.cursor, ['number', 'string']);
      where.push('(created_ms, id) < (?, ?)');
      params.push(createdMs, id);
    }
    const sql =
      `SELECT * FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ` +
      `ORDER BY created_ms DESC, id DESC LIMIT ?`;
    const rows = this.sqlite.run(() => this.sqlite.statement<OutboxRow>(sql).all(...params, limit + 1));
    const more = rows.length > limit;
    const pageRows = more ? rows.slice(0, limit) : rows;
    const last = pageRows[pageRows.length - 1];
    return { items: pageRows.map(toOutbox), nextCursor: more ? encodeCursor([last.created_ms, last.id]) : null };
  }
}

export function outboxParams(message: OutboxRecord) {
  return {
    id: message.id,
    sourceInstanceId: message.sourceInstanceId,
    sourceElementId: message.sourceElementId,
    messageName: message.messageName,
    correlationKey: message.correlationKey,
    variables: toJson(message.variables),
    createdAt: message.createdAt,
    createdMs: toMs(message.createdAt, 'createdAt'),
    dueAt: message.dueAt,
    dueMs: toMs(message.dueAt, 'dueAt'),
    attempts: message.attempts,
    lastError: message.lastError,
    leaseOwner: message.leaseOwner,
    leaseUntil: message.leaseUntil,
    leaseUntilMs: toMsOrNull(message.leaseUntil, 'leaseUntil'),
  };
}

export function restoredOutboxParams(message: OutboxRecord) {
  return {
    ...outboxParams(message),
    state: message.state ?? 'pending',
    deliveredAt: message.deliveredAt ?? null,
    deliveredTo: toJson(message.deliveredTo ?? []),
  };
}

export function toOutbox(row: OutboxRow): OutboxRecord {
  return {
    id: row.id,
    sourceInstanceId: row.source_instance_id,
    sourceElementId: row.source_element_id,
    messageName: row.message_name,
    correlationKey: row.correlation_key,
    variables: fromJson<Variables>(row.variables),
    createdAt: row.created_at,
    dueAt: row.due_at,
    attempts: row.attempts,
    lastError: row.last_error,
    leaseOwner: row.lease_owner,
    leaseUntil: row.lease_until,
    state: row.state,
    deliveredAt: row.delivered_at,
    deliveredTo: fromJson<string[]>(row.delivered_to),
  };
}
