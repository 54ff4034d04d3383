/**
 * One mongoose connection shared by the aggregate stores: the models, every call routed
 * through toStoreError, and small helpers for writes that must tolerate being applied twice.
 */
import type { Connection, Model } from 'mongoose';
import { UnavailableError } from '../../errors.js';
import { isDuplicateKey, toStoreError } from './mongo-errors.js';
import type { MongoModels } from './schemas.js';

export class MongoDatabase {
  private closed = false;
  private outages = 0;

  constructor(
    readonly connection: Connection,
    readonly models: MongoModels,
  ) {
    connection.on('disconnected', () => this.outages++);
  }

  /** Runs database calls with error mapping; refuses them once the store is closed. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    this.assertOpen();
    try {
      return await fn();
    } catch (error) {
      const mapped = toStoreError(error);
      if (mapped instanceof UnavailableError) this.outages++;
      throw mapped;
    }
  }

  /**
   * Grows whenever the database was found unreachable. What a store remembers about the
   * database's contents must not outlive it: the database that comes back may not hold what
   * the one that went did (restored from a backup, a write rolled back on failover).
   */
  get outageCount(): number {
    return this.outages;
  }

  assertOpen(): void {
    if (this.closed) throw new UnavailableError('store_closed', 'The MongoDB store is closed.');
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.connection.close();
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

export function toMsOrNull(value: string | null | undefined, field: string): number | null {
  return value === null || value === undefined ? null : toMs(value, field);
}

/** JSON text for a JSON field; undefined is stored as null. */
export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function fromJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** Runs a write, treating a duplicate key as "already there". Returns false then. */
export async function ignoreDuplicate(fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

type BulkOp = Parameters<Model<any>['bulkWrite']>[0][number];

/**
 * Applies write operations in order, in one round trip when none of them meets an existing
 * key; when one does (the operations were applied before, in part or in full), applies them
 * one by one and skips those that find their key taken. Only for operations whose repetition
 * is harmless.
 */
export async function applyOperations(model: Model<any>, ops: BulkOp[]): Promise<void> {
  if (ops.length === 0) return;
  try {
    await model.bulkWrite(ops, { ordered: true });
    return;
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
  for (const op of ops) await ignoreDuplicate(() => model.bulkWrite([op], { ordered: true }));
}
