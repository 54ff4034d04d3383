import { ConflictError } from '../../errors.js';
import { checkStartTimer, checkStartTimers } from '../instance-write-checks.js';
import type { Json, TimerRecord, TimerStore } from '../port.js';
import { fromJson, toJson, toMs, toMsOrNull, type SqliteDatabase } from './sqlite-database.js';

export interface TimerRow {
  id: string;
  instance_id: string | null;
  definition_key: string;
  definition_version: number;
  element_id: string;
  timer_type: string;
  due_at: string;
  due_ms: number;
  repetitions_left: number | null;
  ref: string;
  lease_owner: string | null;
  lease_until: string | null;
  lease_until_ms: number | null;
  ready_ms: number;
}

export const INSERT_TIMER_SQL = `INSERT INTO timers (id, instance_id, definition_key, definition_version, element_id,
    timer_type, due_at, due_ms, repetitions_left, ref, lease_owner, lease_until, lease_until_ms)
  VALUES (@id, @instanceId, @definitionKey, @definitionVersion, @elementId,
    @timerType, @dueAt, @dueMs, @repetitionsLeft, @ref, @leaseOwner, @leaseUntil, @leaseUntilMs)`;

/** A lease is free when nobody holds it, expired at @now, or held by the asking owner. */
const LEASE_TAKEABLE = `(lease_owner IS NULL OR lease_until_ms IS NULL OR lease_until_ms <= @nowMs OR lease_owner = @owner)`;

export class SqliteTimerStore implements TimerStore {
  private readonly insertTimer;
  private readonly deleteStartTimers;
  private readonly selectStartTimers;
  private readonly selectDue;
  private readonly claimTimer;
  private readonly claimTx;
  private readonly releaseTimer;
  private readonly selectOwnedStartTimer;
  private readonly deleteTimer;
  private readonly selectNextReady;
  private readonly replaceStartTimersTx;
  private readonly rescheduleTx;

  constructor(private readonly sqlite: SqliteDatabase) {
    this.insertTimer = sqlite.statement(INSERT_TIMER_SQL);
    this.deleteStartTimers = sqlite.statement(
      `DELETE FROM timers WHERE instance_id IS NULL AND definition_key = ?`,
    );
    this.selectStartTimers = sqlite.statement<TimerRow>(
      `SELECT * FROM timers WHERE instance_id IS NULL AND definition_key = ? ORDER BY due_ms, id`,
    );
    this.selectDue = sqlite.statement<TimerRow>(
      // due_ms <= now bounds the index range; ready_ms <= now also excludes live leases.
      `SELECT * FROM timers WHERE due_ms <= @nowMs AND ready_ms <= @nowMs ORDER BY due_ms, id LIMIT @limit`,
    );
    this.claimTimer = sqlite.statement<TimerRow>(
      `UPDATE timers SET lease_owner = @owner, lease_until = @leaseUntil, lease_until_ms = @leaseUntilMs
       WHERE id = @id AND ${LEASE_TAKEABLE}
       RETURNING *`,
    );
    this.releaseTimer = sqlite.statement(
      `UPDATE timers SET lease_owner = NULL, lease_until = NULL, lease_until_ms = NULL
       WHERE id = ? AND lease_owner = ?`,
    );
    this.selectOwnedStartTimer = sqlite.statement<TimerRow>(
      `SELECT * FROM timers WHERE id = ? AND instance_id IS NULL AND lease_owner = ?`,
    );
    this.deleteTimer = sqlite.statement(`DELETE FROM timers WHERE id = ?`);
    this.selectNextReady = sqlite.statement<{ ready_ms: number; due_ms: number; due_at: string; lease_until: string }>(
      `SELECT ready_ms, due_ms, due_at, lease_until FROM timers ORDER BY ready_ms LIMIT 1`,
    );

    // Claims of one turn (a scheduler firing several timers at once) share one commit.
    this.claimTx = sqlite.groupedTransaction((params: Record<string, unknown>) => this.claimTimer.get(params));
    this.replaceStartTimersTx = sqlite.transaction((definitionKey: string, timers: TimerRecord[]) => {
      this.deleteStartTimers.run(definitionKey);
      for (const timer of timers) this.insertTimer.run(timerParams(timer));
    });
    this.rescheduleTx = sqlite.transaction((id: string, owner: string, next: TimerRecord | null) => {
      const current = this.selectOwnedStartTimer.get(id, owner);
      if (!current) {
        throw new ConflictError('lease_lost', `Start timer ${id} is gone or its lease is not held by ${owner}.`);
      }
      if (next) checkStartTimer(current.definition_key, next);
      this.deleteTimer.run(id);
      if (next) this.insertTimer.run(timerParams({ ...next, leaseOwner: null, leaseUntil: null }));
    });
  }

  async replaceStartTimers(definitionKey: string, timers: TimerRecord[]): Promise<void> {
    checkStartTimers(definitionKey, timers);
    this.replaceStartTimersTx(definitionKey, timers);
  }

  async startTimers(definitionKey: string): Promise<TimerRecord[]> {
    return this.sqlite.run(() => this.selectStartTimers.all(definitionKey)).map(toTimer);
  }

  async due(now: string, limit: number): Promise<TimerRecord[]> {
    const nowMs = toMs(now, 'now');
    const max = Math.max(0, Math.floor(limit));
    return this.sqlite.run(() => this.selectDue.all({ nowMs, limit: max })).map(toTimer);
  }

  async claim(id: string, owner: string, now: string, leaseUntil: string): Promise<TimerRecord | null> {
    const params = { id, owner, nowMs: toMs(now, 'now'), leaseUntil, leaseUntilMs: toMs(leaseUntil, 'leaseUntil') };
    const row = await this.claimTx(params);
    return row ? toTimer(row) : null;
  }

  async release(id: string, owner: string): Promise<void> {
    this.sqlite.run(() => this.releaseTimer.run(id, owner));
  }

  async rescheduleStartTimer(id: string, owner: string, next: TimerRecord | null): Promise<void> {
    this.rescheduleTx(id, owner, next);
  }

  async nextDueAt(): Promise<string | null> {
    const row = this.sqlite.run(() => this.selectNextReady.get());
    if (!row) return null;
    return row.ready_ms === row.due_ms ? row.due_at : row.lease_until;
  }
}

export function timerParams(timer: TimerRecord) {
  return {
    id: timer.id,
    instanceId: timer.instanceId,
    definitionKey: timer.definitionKey,
    definitionVersion: timer.definitionVersion,
    elementId: timer.elementId,
    timerType: timer.timerType,
    dueAt: timer.dueAt,
    dueMs: toMs(timer.dueAt, 'dueAt'),
    repetitionsLeft: timer.repetitionsLeft,
    ref: toJson(timer.ref),
    leaseOwner: timer.leaseOwner,
    leaseUntil: timer.leaseUntil,
    leaseUntilMs: toMsOrNull(timer.leaseUntil, 'leaseUntil'),
  };
}

export function toTimer(row: TimerRow): TimerRecord {
  return {
    id: row.id,
    instanceId: row.instance_id,
    definitionKey: row.definition_key,
    definitionVersion: row.definition_version,
    elementId: row.element_id,
    timerType: row.timer_type,
    dueAt: row.due_at,
    repetitionsLeft: row.repetitions_left,
    ref: fromJson<Json>(row.ref),
    leaseOwner: row.lease_owner,
    leaseUntil: row.lease_until,
  };
}
