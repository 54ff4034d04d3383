/**
 * The embedded store: one SQLite file (better-sqlite3@12) in WAL mode.
 *
 * Durability: in WAL mode `synchronous=NORMAL` only syncs at checkpoints, so a save that
 * was acknowledged can be lost on power failure. `synchronous=FULL` syncs the WAL on every
 * commit: an acknowledged save survives. That is the default and the only mode for real
 * use; `synchronous: 'NORMAL'` exists for the benchmark that measures the difference.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { UnavailableError } from '../../errors.js';
import type {
  AuditStore,
  CommentStore,
  DefinitionStore,
  DraftStore,
  InstanceStore,
  OutboxStore,
  Store,
  TimerStore,
  UserStore,
} from '../port.js';
import { migrate } from './schema.js';
import { SqliteAuditStore } from './sqlite-audit-store.js';
import { SqliteCommentStore } from './sqlite-comment-store.js';
import { SqliteDatabase } from './sqlite-database.js';
import { SqliteDefinitionStore } from './sqlite-definition-store.js';
import { SqliteDraftStore } from './sqlite-draft-store.js';
import { toStoreError } from './sqlite-errors.js';
import { SqliteInstanceStore } from './sqlite-instance-store.js';
import { SqliteOutboxStore } from './sqlite-outbox-store.js';
import { SqliteTimerStore } from './sqlite-timer-store.js';
import { SqliteUserStore } from './sqlite-user-store.js';

export interface SqliteStoreOptions {
  /** Path of the database file; its directory is created when missing. */
  file: string;
  /** How long a writer waits for another writer's lock before UnavailableError. */
  busyTimeoutMs?: number;
  /** FULL (default) keeps every acknowledged save; NORMAL is for benchmarks only. */
  synchronous?: 'FULL' | 'NORMAL';
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  let db: Database.Database | undefined;
  try {
    const inMemory = options.file === ':memory:';
    if (!inMemory) mkdirSync(dirname(options.file), { recursive: true });
    db = new Database(options.file, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
    const journalMode = db.pragma('journal_mode = WAL', { simple: true });
    if (!inMemory && journalMode !== 'wal') {
      throw new UnavailableError('store_unavailable', `The SQLite store could not switch to WAL (${String(journalMode)}).`);
    }
    db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
    migrate(db);
    return new SqliteStore(new SqliteDatabase(db));
  } catch (error) {
    db?.close();
    throw toStoreError(error);
  }
}

class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly users: UserStore;
  readonly audit: AuditStore;
  readonly drafts: DraftStore;
  readonly comments: CommentStore;
  readonly definitions: DefinitionStore;
  readonly instances: InstanceStore;
  readonly timers: TimerStore;
  readonly outbox: OutboxStore;

  constructor(private readonly sqlite: SqliteDatabase) {
    this.users = new SqliteUserStore(sqlite);
    this.audit = new SqliteAuditStore(sqlite);
    this.drafts = new SqliteDraftStore(sqlite);
    this.comments = new SqliteCommentStore(sqlite);
    this.definitions = new SqliteDefinitionStore(sqlite);
    this.instances = new SqliteInstanceStore(sqlite);
    this.timers = new SqliteTimerStore(sqlite);
    this.outbox = new SqliteOutboxStore(sqlite);
  }

  /** Closes the file; idempotent. Later calls reject with UnavailableError. */
  async close(): Promise<void> {
    this.sqlite.close();
  }
}
