/**
 * The MongoDB store (mongoose): selected by MONGODB_URI; production and several Samenspel
 * nodes on one replica set. Standard operators only ($set, $inc, $unset, $in, $or, ...), no
 * multi-document transactions: every command commits with one conditional update of its
 * instance document (see mongo-instance-store.ts), which holds on a replica set, a standalone
 * server and the jongodb test server alike.
 *
 * Availability: commands are not buffered (bufferCommands off), so while the database cannot
 * be reached a call fails after the server selection timeout with UnavailableError (503 on
 * the API) instead of hanging; the driver keeps reconnecting, and calls succeed again as soon
 * as the database is back, without a restart.
 */
import mongoose from 'mongoose';
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
import { MongoAuditStore } from './mongo-audit-store.js';
import { MongoCommentStore } from './mongo-comment-store.js';
import { MongoDatabase } from './mongo-database.js';
import { MongoDefinitionStore } from './mongo-definition-store.js';
import { MongoDraftStore } from './mongo-draft-store.js';
import { toStoreError } from './mongo-errors.js';
import { MongoInstanceStore } from './mongo-instance-store.js';
import { MongoOutboxStore } from './mongo-outbox-store.js';
import { MongoTimerStore } from './mongo-timer-store.js';
import { MongoUserStore } from './mongo-user-store.js';
import { registerModels } from './schemas.js';

export interface MongoStoreOptions {
  /** mongodb:// or mongodb+srv:// URI; its path names the database (default `samenspel`). */
  uri: string;
  /** How long a call waits for a reachable server before UnavailableError (default 5000 ms,
   * unless the URI sets serverSelectionTimeoutMS). */
  serverSelectionTimeoutMs?: number;
}

export const DEFAULT_SERVER_SELECTION_TIMEOUT_MS = 5000;
const DEFAULT_DATABASE = 'samenspel';

export async function openMongoStore(options: MongoStoreOptions): Promise<Store> {
  const uriSets = (name: string) => new RegExp(`[?&]${name}=`, 'i').test(options.uri);
  const connection = mongoose.createConnection(options.uri, {
    bufferCommands: false,
    autoIndex: false,
    autoCreate: false,
    ...(uriSets('serverSelectionTimeoutMS') ? {} : { serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? DEFAULT_SERVER_SELECTION_TIMEOUT_MS }),
    ...(uriSets('connectTimeoutMS') ? {} : { connectTimeoutMS: 10_000 }),
    ...(hasDatabase(options.uri) ? {} : { dbName: DEFAULT_DATABASE }),
  });
  // The driver reports connection trouble through the calls that fail (UnavailableError);
  // an unhandled 'error' event must not crash the process.
  connection.on('error', () => undefined);
  try {
    await connection.asPromise();
    const models = registerModels(connection);
    await Promise.all(Object.values(models).map((model) => model.createIndexes()));
    return new MongoStore(new MongoDatabase(connection, models));
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw toStoreError(error);
  }
}

/** Whether the URI names a database in its path (mongodb://host/db?...). */
function hasDatabase(uri: string): boolean {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?]+\/([^?]*)/.exec(uri);
  return match !== null && match[1] !== '';
}

class MongoStore implements Store {
  readonly kind = 'mongodb' as const;
  readonly users: UserStore;
  readonly audit: AuditStore;
  readonly drafts: DraftStore;
  readonly comments: CommentStore;
  readonly definitions: DefinitionStore;
  readonly instances: InstanceStore;
  readonly timers: TimerStore;
  readonly outbox: OutboxStore;

  constructor(private readonly db: MongoDatabase) {
    let instances: MongoInstanceStore | undefined = undefined;
    const sweep = () => instances!.sweep();
    const outbox = new MongoOutboxStore(db, sweep, (id) => instances!.ensureApplied(id));
    instances = new MongoInstanceStore(db, outbox);
    this.instances = instances;
    this.outbox = outbox;
    this.timers = new MongoTimerStore(db, sweep);
    this.users = new MongoUserStore(db);
    this.audit = new MongoAuditStore(db);
    this.drafts = new MongoDraftStore(db);
    this.comments = new MongoCommentStore(db);
    this.definitions = new MongoDefinitionStore(db);
  }

  /** Closes the connection; idempotent. Later calls reject with UnavailableError. */
  async close(): Promise<void> {
    await this.db.close();
  }
}
