/**
 * One real Samenspel server per spec file: startServer on 127.0.0.1 port 0, a temporary
 * data directory and processes folder, a ManualClock, cheap scrypt, a silent log and a
 * webhook receiver the tests can make fail. Requests go through real HTTP with fetch.
 *
 * The store is SQLite (a file in the data directory), or MongoDB when
 * SAMENSPEL_TEST_STORE=mongodb: MONGODB_URI when set, else a jongodb test server, with a
 * database of its own per server.
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import mongoose from 'mongoose';
import { pino } from 'pino';
import { hashPassword, TEST_SCRYPT } from '../../../src/access/password-hashing.js';
import { ManualClock } from '../../../src/clock.js';
import { loadConfig, type Config } from '../../../src/config.js';
import { startServer, type RunningServer } from '../../../src/server.js';
import { openMongoStore } from '../../../src/store/mongo/mongo-store.js';
import { dropTestDatabase, testMongoUri, uniqueDatabaseUri } from '../../support/jongodb.js';
import { startSyncCounter, type SyncCounter } from './mongo-counter.js';
import { PROCESS_FILES } from './processes.js';

/** The store the test servers run on: SAMENSPEL_TEST_STORE=mongodb, else SQLite. */
export const TEST_STORE: 'sqlite' | 'mongodb' = process.env.SAMENSPEL_TEST_STORE === 'mongodb' ? 'mongodb' : 'sqlite';

type Table = 'instances' | 'definition_versions' | 'audit_entries' | 'tasks' | 'drafts' | 'comments';

/** The MongoDB collection that holds what a SQLite table holds. */
const COLLECTION_OF: Record<Table, string> = {
  instances: 'instances',
  definition_versions: 'definitions',
  audit_entries: 'audit_entries',
  tasks: 'tasks',
  drafts: 'drafts',
  comments: 'comments',
};

export const DEMO_USER_IDS = [
  'vt-frontoffice',
  'vt-triagist',
  'vt-onderzoeker',
  'vt-teamleider',
  'agent',
  'rechercheur',
  'hulpofficier',
  'officier',
  'raadsonderzoeker',
  'reclasseerder',
  'burgemeester',
  'eigenaar',
  'admin',
  'auditor',
] as const;
export type DemoUserId = (typeof DEMO_USER_IDS)[number];

export interface ApiAnswer<T = any> {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined when the answer is not JSON. */
  body: T;
}

export interface CallOptions {
  /** A user whose password is their id (signed in once, cached until the token expires), a raw token, or false for no Authorization. */
  as?: DemoUserId | (string & {}) | { token: string } | false;
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as application/xml. */
  xml?: string;
  /** Sent as it is (set content-type in headers yourself). */
  raw?: string | Buffer;
  headers?: Record<string, string>;
}

export interface WebhookReceiver {
  url: string;
  /** Answers 500 this many times before answering 200. */
  failures: number;
  calls: { headers: Record<string, string | string[] | undefined>; body: string }[];
}

export interface TestServer {
  server: RunningServer;
  baseUrl: string;
  clock: ManualClock;
  config: Config;
  dataDir: string;
  /** The SQLite file (absent when the server runs on MongoDB). */
  dbFile: string;
  /** Which store the server runs on (TEST_STORE). */
  storeKind: 'sqlite' | 'mongodb';
  /** The database of this server when it runs on MongoDB. */
  mongoUri: string | undefined;
  webhook: WebhookReceiver;
  call<T = any>(method: string, urlPath: string, options?: CallOptions): Promise<ApiAnswer<T>>;
  token(user: string): Promise<string>;
  /** Adds a local user whose password is their id (written straight into the store). */
  addUser(user: { id: string; roles: string[]; organisation: string | null; groups: string[] }): Promise<void>;
  /** Row count of a table, read over a separate connection (not audited). */
  count(table: Table): number;
  /** An attacker with database access changes the actor of an audit entry (SQLite: after
   * dropping the trigger that refuses it). */
  tamperAuditEntry(seq: number, actor: string): Promise<void>;
  close(): Promise<void>;
}

export const START_TIME = '2026-04-22T09:00:00.000Z';

async function startWebhookReceiver(): Promise<{ receiver: WebhookReceiver; server: Server }> {
  const receiver: WebhookReceiver = { url: '', failures: 0, calls: [] };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      receiver.calls.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (receiver.failures > 0) {
        receiver.failures -= 1;
        res.writeHead(500).end('down');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { receiver, server };
}

export async function startTestServer(options: { env?: Record<string, string>; files?: Record<string, string> } = {}): Promise<TestServer> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'samenspel-it-'));
  const dataDir = path.join(root, 'data');
  const processesDir = path.join(root, 'processes');
  await mkdir(processesDir, { recursive: true });
  for (const [name, content] of Object.entries(options.files ?? PROCESS_FILES)) await writeFile(path.join(processesDir, name), content);

  const hook = await startWebhookReceiver();
  const mongoUri = TEST_STORE === 'mongodb' ? uniqueDatabaseUri(await testMongoUri(), 'samenspel_it') : undefined;
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    SAMENSPEL_DATA_DIR: dataDir,
    SAMENSPEL_PROCESSES_DIR: processesDir,
    SAMENSPEL_LOG_LEVEL: 'silent',
    SAMENSPEL_TIMER_POLL_MS: '25',
    SAMENSPEL_WEBHOOKS: JSON.stringify({ politie: { url: hook.receiver.url, secret: 'test-secret-0123456789' } }),
    SAMENSPEL_WEBHOOK_TIMEOUT_MS: '2000',
    ...(mongoUri === undefined ? {} : { MONGODB_URI: mongoUri }),
    ...options.env,
  });
  const clock = new ManualClock(START_TIME);
  const server = await startServer(config, { clock, scrypt: TEST_SCRYPT, logger: pino({ level: 'silent' }) });
  const baseUrl = `http://127.0.0.1:${server.port}`;
  const dbFile = path.join(dataDir, 'samenspel.db');
  const reader = mongoUri === undefined ? new Database(dbFile, { readonly: true, fileMustExist: true }) : null;
  const counter: SyncCounter | null = mongoUri === undefined ? null : await startSyncCounter(mongoUri);
  const tokens = new Map<string, { token: string; expiresAt: string }>();

  async function call<T = any>(method: string, urlPath: string, callOptions: CallOptions = {}): Promise<ApiAnswer<T>> {
    const headers = new Headers(callOptions.headers);
    const as = callOptions.as === undefined ? 'admin' : callOptions.as;
    if (as !== false) headers.set('authorization', `Bearer ${typeof as === 'string' ? await token(as) : as.token}`);
    let body: string | Buffer | undefined;
    if (callOptions.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(callOptions.json);
    } else if (callOptions.xml !== undefined) {
      headers.set('content-type', 'application/xml');
      body = callOptions.xml;
    } else if (callOptions.raw !== undefined) {
      body = callOptions.raw;
    }
    const response = await fetch(`${baseUrl}${urlPath}`, { method, headers, body: body as BodyInit | undefined });
    const text = await response.text();
    let parsed: unknown;
    if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, text, body: parsed as T };
  }

  async function token(user: string): Promise<string> {
    const cached = tokens.get(user);
    if (cached !== undefined && Date.parse(cached.expiresAt) > clock.now().getTime() + 60_000) return cached.token;
    const answer = await call<{ token: string; expiresAt: string }>('POST', '/api/session', { as: false, json: { username: user, password: user } });
    if (answer.status !== 200) throw new Error(`sign-in of ${user} failed: ${answer.status} ${answer.text}`);
    tokens.set(user, { token: answer.body.token, expiresAt: answer.body.expiresAt });
    return answer.body.token;
  }

  async function addUser(user: { id: string; roles: string[]; organisation: string | null; groups: string[] }): Promise<void> {
    if (mongoUri !== undefined) {
      const store = await openMongoStore({ uri: mongoUri });
      try {
        const { id, roles, organisation, groups } = user;
        const passwordHash = await hashPassword(id, TEST_SCRYPT);
        await store.users.putUser({ id, name: id, passwordHash, roles, organisation, groups, disabled: false, createdAt: clock.now().toISOString() });
      } finally {
        await store.close();
      }
      return;
    }
    const writer = new Database(dbFile, { fileMustExist: true, timeout: 5000 });
    try {
      writer
        .prepare('INSERT INTO users (id, name, password_hash, roles, organisation, groups, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)')
        .run(user.id, user.id, await hashPassword(user.id, TEST_SCRYPT), JSON.stringify(user.roles), user.organisation, JSON.stringify(user.groups), clock.now().toISOString());
    } finally {
      writer.close();
    }
  }

  return {
    server,
    baseUrl,
    clock,
    config,
    dataDir,
    dbFile,
    storeKind: TEST_STORE,
    mongoUri,
    webhook: hook.receiver,
    call,
    token,
    addUser,
    count: (table) =>
      counter !== null ? counter.count(COLLECTION_OF[table]) : (reader!.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n,
    async tamperAuditEntry(seq, actor) {
      if (mongoUri !== undefined) {
        const connection = await mongoose.createConnection(mongoUri).asPromise();
        try {
          await connection.db!.collection<{ _id: number }>('audit_entries').updateOne({ _id: seq }, { $set: { actor } });
        } finally {
          await connection.close();
        }
        return;
      }
      const db = new Database(dbFile);
      try {
        db.exec('DROP TRIGGER IF EXISTS audit_entries_no_update');
        db.prepare('UPDATE audit_entries SET actor = ? WHERE seq = ?').run(actor, seq);
      } finally {
        db.close();
      }
    },
    async close() {
      reader?.close();
      await counter?.close();
      await server.close();
      if (mongoUri !== undefined) await dropTestDatabase(mongoUri);
      await new Promise<void>((resolve) => {
        hook.server.closeAllConnections();
        hook.server.close(() => resolve());
      });
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Open tasks of a case, as the administrator sees them. */
export async function openTasksOf(t: TestServer, instanceId: string): Promise<any[]> {
  const answer = await t.call('GET', `/api/tasks?instanceId=${encodeURIComponent(instanceId)}`);
  if (answer.status !== 200) throw new Error(`listing tasks failed: ${answer.status} ${answer.text}`);
  return answer.body.items;
}

/** Starts a test-melding case as the front office and returns its id and its triage task. */
export async function startMelding(t: TestServer, variables: Record<string, unknown> = {}, businessKey?: string): Promise<{ id: string; taskId: string }> {
  const started = await t.call('POST', '/api/instances', {
    as: 'vt-frontoffice',
    json: { definitionKey: 'test-melding', variables, ...(businessKey === undefined ? {} : { businessKey }) },
  });
  if (started.status !== 201) throw new Error(`start failed: ${started.status} ${started.text}`);
  const [task] = await openTasksOf(t, started.body.id);
  return { id: started.body.id, taskId: task.id };
}

/** Polls until `check` holds (the scheduler works on its own loop); fails after `ms`. */
export async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function errorCode(answer: ApiAnswer): string | undefined {
  return answer.body?.error?.code;
}
