/**
 * A better-sqlite3 connection shared by the aggregate stores: statements prepared once,
 * write transactions that take the write lock up front (BEGIN IMMEDIATE, so a writer waits
 * for the busy timeout instead of failing on a stale read snapshot), and every call routed
 * through toStoreError.
 */
import type Database from 'better-sqlite3';
import { UnavailableError } from '../../errors.js';
import { toStoreError } from './sqlite-errors.js';

interface GroupedWrite {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class SqliteDatabase {
  private readonly statements = new Map<string, Database.Statement<unknown[], unknown>>();
  private closed = false;
  private pending: GroupedWrite[] = [];
  private readonly commitGroup: Database.Transaction<(batch: GroupedWrite[]) => { ok: boolean; value: unknown }[]>;
  /** Runs a write in a transaction of its own, or in a savepoint inside one already open. */
  private readonly inTransaction: Database.Transaction<(run: () => unknown) => unknown>;

  constructor(readonly db: Database.Database) {
    // Each write of a group runs in its own savepoint (a nested better-sqlite3
    // transaction): one that throws (a revision conflict) rolls back alone, the others
    // commit together with a single sync of the WAL. The wrappers are made once: making a
    // transaction function costs more than a small write.
    const inTransaction = db.transaction((run: () => unknown) => run());
    this.inTransaction = inTransaction;
    this.commitGroup = db.transaction((batch: GroupedWrite[]) =>
      batch.map((write) => {
        try {
          return { ok: true, value: inTransaction(write.run) };
        } catch (error) {
          return { ok: false, value: error };
        }
      }),
    );
  }

  /** The statement for this SQL, prepared on first use and reused after. */
  statement<Row = unknown>(sql: string): Database.Statement<unknown[], Row> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare<unknown[], unknown>(sql);
      this.statements.set(sql, statement);
    }
    return statement as Database.Statement<unknown[], Row>;
  }

  /** Runs a read (or a single-statement write) with error mapping. */
  run<T>(fn: () => T): T {
    this.assertOpen();
    try {
      return fn();
    } catch (error) {
      throw toStoreError(error);
    }
  }

  /** Wraps fn in a BEGIN IMMEDIATE transaction: all of it is written, or nothing. */
  transaction<A extends unknown[], T>(fn: (...args: A) => T): (...args: A) => T {
    const tx = this.db.transaction(fn);
    return (...args: A) => this.run(() => tx.immediate(...args));
  }

  /**
   * Like transaction(), but the writes asked for within one turn of the event loop share
   * one commit (group commit). With synchronous=FULL a commit costs a sync of the WAL, the
   * largest part of a command's write; concurrent commands then pay it once together. A
   * write is acknowledged (its promise resolves) only after the shared commit, so nothing
   * acknowledged can be lost; when the commit itself fails every write of the group fails
   * with the same error and none is applied.
   */
  groupedTransaction<A extends unknown[], T>(fn: (...args: A) => T): (...args: A) => Promise<T> {
    return (...args: A) =>
      new Promise<T>((resolve, reject) => {
        this.assertOpen();
        this.pending.push({ run: () => fn(...args), resolve: resolve as (value: unknown) => void, reject });
        if (this.pending.length === 1) setImmediate(() => this.flushGroup());
      });
  }

  private flushGroup(): void {
    const batch = this.pending;
    this.pending = [];
    if (!batch.length) return;
    if (batch.length === 1) {
      const [write] = batch;
      try {
        this.assertOpen();
        // A group of one (the usual case without load) needs no savepoint.
        write.resolve(this.inTransaction.immediate(write.run));
      } catch (error) {
        write.reject(toStoreError(error));
      }
      return;
    }
    let outcomes: { ok: boolean; value: unknown }[];
    try {
      this.assertOpen();
      outcomes = this.commitGroup.immediate(batch);
    } catch (error) {
      const mapped = toStoreError(error);
      for (const write of batch) write.reject(mapped);
      return;
    }
    batch.forEach((write, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(toStoreError(outcome.value));
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed || !this.db.open) {
      throw new UnavailableError('store_closed', 'The SQLite store is closed.');
    }
  }
}

/** Milliseconds since the epoch of an ISO 8601 time, for ordering and comparing. */
export function toMs(value: string, field: string): number {
  const ms = Date.parse(value);
  if (typeof value !== 'string' || Number.isNaN(ms)) {
    throw new Error(`${field} is not an ISO 8601 time: ${String(value)}`);
  }
  return ms;
}

export function toMsOrNull(value: string | null, field: string): number | null {
  return value === null || value === undefined ? null : toMs(value, field);
}

/** JSON text for a JSON column; undefined is stored as null. */
export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function fromJson<T>(text: string): T {
  return JSON.parse(text) as T;
}
