/**
 * `npm run store:copy -- --from sqlite:<file> --to mongodb://host/db` (either direction):
 * copies everything one store holds into an empty other store, then verifies the copy.
 *
 * Copied through the store port, so that both adapters keep their own invariants:
 * definitions (every version) and forms, start timers, users and tokens, drafts, instances
 * exactly as they are (revision, purge time, tasks, timers with their leases, message
 * subscriptions, history in order, thrown messages with their delivery state), comments,
 * and the audit log entry by entry with the source's own hashes, so that the chain verifies
 * on the target as it did on the source.
 *
 * Verification reads both stores again, independently of the copy: per aggregate the number
 * of records and a sha256 over all of them (history without its store-assigned seq), plus
 * the audit chain of the target (AuditService.verify). Exit code 0 only when all match.
 *
 * Stop every Samenspel node before copying: a node that writes meanwhile makes the counts
 * differ (and the copy incomplete).
 */
import { createHash, type Hash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AuditService } from '../access/audit-service.js';
import { systemClock } from '../clock.js';
import { openMongoStore } from '../store/mongo/mongo-store.js';
import type { AuditEntry, InstanceRecord, Page, Store, TimerRecord } from '../store/port.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';

export const AGGREGATES = [
  'definitions',
  'forms',
  'startTimers',
  'users',
  'tokens',
  'drafts',
  'instances',
  'tasks',
  'timers',
  'subscriptions',
  'history',
  'outbox',
  'comments',
  'audit',
] as const;
export type Aggregate = (typeof AGGREGATES)[number];

export interface Census {
  counts: Record<Aggregate, number>;
  /** sha256 per aggregate over its records in the port's order. */
  digests: Record<Aggregate, string>;
}

export interface CopyReport {
  source: Census;
  target: Census;
  /** Aggregates whose count or digest differ. */
  mismatches: Aggregate[];
  audit: { valid: boolean; entries: number; firstBrokenAt?: number; lastHash: string };
  sourceAudit: { valid: boolean; entries: number; firstBrokenAt?: number; lastHash: string };
  ok: boolean;
}

const PAGE = 500;

/** Every item of a paged port query. */
async function* pages<T>(fetch: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const page = await fetch(cursor);
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

async function* auditEntries(store: Store): AsyncGenerator<AuditEntry> {
  let after = 0;
  for (;;) {
    const batch = await store.audit.scan(after, PAGE);
    yield* batch;
    if (batch.length < PAGE) return;
    after = batch[batch.length - 1].seq;
  }
}

async function startTimersOf(store: Store): Promise<TimerRecord[]> {
  const timers: TimerRecord[] = [];
  for (const { key } of await store.definitions.listLatest()) timers.push(...(await store.timers.startTimers(key)));
  return timers;
}

/** Whether a store holds nothing at all (the target of a copy must). */
export async function isEmpty(store: Store): Promise<boolean> {
  const [instances, definitions, forms, users, tokens, drafts, audit, comments] = await Promise.all([
    store.instances.list({ limit: 1 }),
    store.definitions.listLatest(),
    store.definitions.listForms(),
    store.users.listUsers(),
    store.users.listTokens(),
    store.drafts.list(),
    store.audit.scan(0, 1),
    store.comments.listAll({ limit: 1 }),
  ]);
  return (
    instances.items.length === 0 &&
    definitions.length === 0 &&
    forms.length === 0 &&
    users.length === 0 &&
    tokens.length === 0 &&
    drafts.length === 0 &&
    audit.length === 0 &&
    comments.items.length === 0
  );
}

/** Copies everything from `source` into the empty `target`. */
export async function copyStore(source: Store, target: Store, log: (line: string) => void = () => undefined): Promise<void> {
  if (!(await isEmpty(target))) throw new Error('the target store is not empty; copy only into an empty store');

  for (const { key } of await source.definitions.listLatest()) {
    for (const version of await source.definitions.listVersions(key)) await target.definitions.addVersion(version);
  }
  for (const form of await source.definitions.listForms()) await target.definitions.addFormVersion(form);
  for (const { key } of await source.definitions.listLatest()) {
    await target.timers.replaceStartTimers(key, await source.timers.startTimers(key));
  }
  log('definitions, forms and start timers copied');

  for (const user of await source.users.listUsers()) await target.users.putUser(user);
  for (const token of await source.users.listTokens()) await target.users.addToken(token);
  for (const draft of await source.drafts.list()) await target.drafts.put(draft);
  log('users, tokens and drafts copied');

  let instances = 0;
  for await (const instance of pages((cursor) => source.instances.list({ limit: PAGE, cursor }))) {
    await target.instances.restore(await instanceWrite(source, instance));
    if (++instances % 1000 === 0) log(`${instances} instances copied`);
  }
  log(`${instances} instances copied`);

  for await (const comment of pages((cursor) => source.comments.listAll({ limit: PAGE, cursor }))) await target.comments.add(comment);

  // Entry by entry with the source's own hash: the target assigns the same seq and links
  // to the same previous hash as long as the source chain is whole.
  let entries = 0;
  for await (const entry of auditEntries(source)) {
    const { seq, prevHash, hash, ...input } = entry;
    const copied = await target.audit.append(input, () => hash);
    if (copied.seq !== seq || copied.prevHash !== prevHash) {
      log(`audit entry ${seq}: the source chain is broken here (copied as seq ${copied.seq}); the verification reports it`);
    }
    entries++;
  }
  log(`${entries} audit entries copied`);
}

async function instanceWrite(store: Store, instance: InstanceRecord) {
  const [tasks, timers, subscriptions, history] = await Promise.all([
    store.instances.tasksOfInstance(instance.id),
    store.instances.timersOfInstance(instance.id),
    store.instances.subscriptionsOfInstance(instance.id),
    store.instances.history(instance.id),
  ]);
  const outbox = [];
  for await (const message of pages((cursor) => store.outbox.list({ sourceInstanceId: instance.id, limit: PAGE, cursor }))) outbox.push(message);
  return {
    instance,
    tasks,
    timers,
    subscriptions,
    history: history.map(({ seq, ...event }) => event),
    // Oldest first, so that the copy lists them in the same order.
    outbox: outbox.reverse(),
  };
}

/** Counts and digests every aggregate of a store, reading it through the port. */
export async function census(store: Store): Promise<Census> {
  const counts = Object.fromEntries(AGGREGATES.map((name) => [name, 0])) as Record<Aggregate, number>;
  const hashes = Object.fromEntries(AGGREGATES.map((name) => [name, createHash('sha256')])) as Record<Aggregate, Hash>;
  const add = (name: Aggregate, record: unknown) => {
    counts[name] += 1;
    hashes[name].update(canonical(record)).update('\n');
  };

  for (const { key } of await store.definitions.listLatest()) {
    for (const version of await store.definitions.listVersions(key)) add('definitions', version);
  }
  for (const form of await store.definitions.listForms()) add('forms', form);
  for (const timer of await startTimersOf(store)) add('startTimers', timer);
  for (const user of await store.users.listUsers()) add('users', user);
  for (const token of await store.users.listTokens()) add('tokens', token);
  for (const draft of await store.drafts.list()) add('drafts', draft);
  for await (const instance of pages((cursor) => store.instances.list({ limit: PAGE, cursor }))) {
    add('instances', instance);
    for (const timer of await store.instances.timersOfInstance(instance.id)) add('timers', timer);
    for (const subscription of await store.instances.subscriptionsOfInstance(instance.id)) add('subscriptions', subscription);
    for (const { seq, ...event } of await store.instances.history(instance.id)) add('history', event);
  }
  // Tasks, messages and comments through their own listings: none is missed even if its
  // instance were gone.
  for await (const task of pages((cursor) => store.instances.listTasks({ limit: PAGE, cursor }))) add('tasks', task);
  for await (const message of pages((cursor) => store.outbox.list({ limit: PAGE, cursor }))) add('outbox', message);
  for await (const comment of pages((cursor) => store.comments.listAll({ limit: PAGE, cursor }))) add('comments', comment);
  for await (const entry of auditEntries(store)) add('audit', entry);

  const digests = Object.fromEntries(AGGREGATES.map((name) => [name, hashes[name].digest('hex')])) as Record<Aggregate, string>;
  return { counts, digests };
}

/** Compares both stores and verifies the target's audit chain. */
export async function verifyCopy(source: Store, target: Store): Promise<CopyReport> {
  const [sourceCensus, targetCensus] = [await census(source), await census(target)];
  const mismatches = AGGREGATES.filter(
    (name) => sourceCensus.counts[name] !== targetCensus.counts[name] || sourceCensus.digests[name] !== targetCensus.digests[name],
  );
  const audit = await new AuditService(target.audit, systemClock).verify();
  const sourceAudit = await new AuditService(source.audit, systemClock).verify();
  const auditAsSource = audit.valid === sourceAudit.valid && audit.lastHash === sourceAudit.lastHash && audit.entries === sourceAudit.entries;
  return { source: sourceCensus, target: targetCensus, mismatches, audit, sourceAudit, ok: mismatches.length === 0 && audit.valid && auditAsSource };
}

/** JSON with sorted keys, so that the digest does not depend on the order a store keeps fields in. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/** `sqlite:<file>` or a mongodb:// / mongodb+srv:// URI; a SQLite source must exist. */
export async function openStoreAt(spec: string, role: 'source' | 'target' = 'target'): Promise<Store> {
  if (/^mongodb(\+srv)?:\/\//.test(spec)) return openMongoStore({ uri: spec });
  if (spec.startsWith('sqlite:')) {
    const file = path.resolve(spec.slice('sqlite:'.length));
    if (role === 'source' && !existsSync(file)) throw new Error(`no SQLite store at ${file}`);
    return openSqliteStore({ file });
  }
  throw new Error(`not a store: ${spec} (expected sqlite:<file> or mongodb://...)`);
}

export function formatReport(report: CopyReport): string {
  const lines = [`${'aggregate'.padEnd(14)} ${'source'.padStart(9)} ${'target'.padStart(9)}  check`];
  for (const name of AGGREGATES) {
    const ok = !report.mismatches.includes(name);
    lines.push(`${name.padEnd(14)} ${String(report.source.counts[name]).padStart(9)} ${String(report.target.counts[name]).padStart(9)}  ${ok ? 'ok' : 'DIFFERENT'}`);
  }
  const chain = (audit: CopyReport['audit']) =>
    audit.valid ? `valid (${audit.entries} entries, last hash ${audit.lastHash.slice(0, 16) || '-'})` : `BROKEN at seq ${audit.firstBrokenAt}`;
  lines.push(`audit chain    source ${chain(report.sourceAudit)}`);
  lines.push(`               target ${chain(report.audit)}`);
  lines.push(report.ok ? 'copy verified: counts, contents and audit chain match' : 'copy NOT verified');
  return lines.join('\n');
}

function parseArgs(argv: string[]): { from: string; to: string } {
  const value = (name: string) => {
    const index = argv.indexOf(name);
    const inline = argv.find((arg) => arg.startsWith(`${name}=`));
    if (inline) return inline.slice(name.length + 1);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const from = value('--from');
  const to = value('--to');
  if (!from || !to) {
    throw new Error('usage: npm run store:copy -- --from sqlite:<file> --to mongodb://host/db   (or the other way round)');
  }
  return { from, to };
}

export async function main(argv: string[]): Promise<number> {
  let args: { from: string; to: string };
  try {
    args = parseArgs(argv);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const source = await openStoreAt(args.from, 'source');
  try {
    const target = await openStoreAt(args.to);
    try {
      const started = Date.now();
      await copyStore(source, target, (line) => console.log(line));
      const report = await verifyCopy(source, target);
      console.log(formatReport(report));
      console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return report.ok ? 0 : 1;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`store:copy failed: ${(err as Error)?.message ?? err}`);
      process.exit(1);
    },
  );
}
