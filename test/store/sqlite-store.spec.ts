import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { ConflictError, UnavailableError } from '../../src/errors.js';
import type { Store } from '../../src/store/port.js';
import { migrate, SCHEMA_VERSION } from '../../src/store/sqlite/schema.js';
import { ELEMENT_STATISTICS_SQL } from '../../src/store/sqlite/sqlite-instance-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { describeStoreContract, expectAuditChain, rejection } from './contract.js';
import { at, auditHash, makeAuditEntry, makeEvent, makeInstance, makeTask, makeWrite, nextRevision, T0 } from './fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
const ids = (records: { id: string }[]) => records.map((r) => r.id);

/** A temporary directory with a database file path in a not yet existing subdirectory. */
async function tempDatabase() {
  const dir = await mkdtemp(join(tmpdir(), 'samenspel-sqlite-'));
  return { dir, file: join(dir, 'data', 'samenspel.db') };
}

describeStoreContract('sqlite', async () => {
  const { dir, file } = await tempDatabase();
  const stores: Store[] = [];
  const openOne = async () => {
    const store = await openSqliteStore({ file });
    stores.push(store);
    return store;
  };
  return {
    store: await openOne(),
    reopen: openOne,
    cleanup: async () => {
      for (const store of stores) await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('sqlite store', function () {
  let dir: string;
  let file: string;
  const stores: Store[] = [];
  const raws: Database.Database[] = [];

  async function openStore(options: { busyTimeoutMs?: number } = {}): Promise<Store> {
    const store = await openSqliteStore({ file, ...options });
    stores.push(store);
    return store;
  }

  function openRaw(): Database.Database {
    const raw = new Database(file);
    raws.push(raw);
    return raw;
  }

  beforeEach(async function () {
    ({ dir, file } = await tempDatabase());
  });

  afterEach(async function () {
    for (const store of stores.splice(0)) await store.close();
    for (const raw of raws.splice(0)) if (raw.open) raw.close();
    await chmod(file, 0o644).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('should create the directory and a WAL database at the current schema version', async function () {
    await openStore();

    const raw = openRaw();
    expect(raw.pragma('journal_mode', { simple: true })).to.equal('wal');
    expect(raw.pragma('user_version', { simple: true })).to.equal(SCHEMA_VERSION);
    expect((await stat(dirname(file))).isDirectory()).to.equal(true);
  });

  it('should open an existing file again without touching its data', async function () {
    const first = await openStore();
    const write = makeWrite(makeInstance());
    await first.instances.create(write);
    await first.close();

    const second = await openStore();

    expect(await second.instances.get(write.instance.id)).to.deep.equal(write.instance);
  });

  it('should refuse a file written by a newer schema with UnavailableError', async function () {
    await (await openStore()).close();
    const raw = openRaw();
    raw.pragma('user_version = 999');
    raw.close();

    const error = await rejection(openStore());

    expect(error).to.be.instanceOf(UnavailableError);
  });

  it('should answer UnavailableError for a read-only database file', async function () {
    const store = await openStore();
    await store.close();
    // Mark the file read-only twice: by its mode, and (as root ignores modes) by its
    // header's write version, which SQLite honours by opening the file read-only.
    const handle = await open(file, 'r+');
    await handle.write(Buffer.from([3]), 0, 1, 18);
    await handle.close();
    await chmod(file, 0o444);

    const error = await rejection(
      (async () => {
        const readonly = await openStore();
        await readonly.instances.create(makeWrite(makeInstance()));
      })(),
    );

    expect(error).to.be.instanceOf(UnavailableError);
  });

  it('should answer UnavailableError when the directory cannot be created', async function () {
    await writeFile(join(dir, 'blocker'), 'not a directory');
    file = join(dir, 'blocker', 'samenspel.db');

    const error = await rejection(openStore());

    expect(error).to.be.instanceOf(UnavailableError);
  });

  it('should answer UnavailableError and write nothing when another writer holds the lock too long', async function () {
    const store = await openStore({ busyTimeoutMs: 100 });
    const write = makeWrite(makeInstance());
    await store.instances.create(write);
    const raw = openRaw();
    raw.exec('BEGIN IMMEDIATE');

    const next = nextRevision(write.instance, { variables: { late: true } });
    const error = await rejection(store.instances.save(makeWrite(next, { history: [makeEvent(next)] }), 1));
    const readDuringLock = await store.instances.get(write.instance.id);
    raw.exec('ROLLBACK');

    expect(error).to.be.instanceOf(UnavailableError);
    expect(readDuringLock).to.deep.equal(write.instance);
    await store.instances.save(makeWrite(next), 1);
    expect(await store.instances.get(write.instance.id)).to.deep.equal(next);
    expect(await store.instances.history(write.instance.id)).to.deep.equal([]);
  });

  describe('group commit', function () {
    /** Instances created one by one, each at revision 1. */
    async function createInstances(store: Store, count: number) {
      const instances = Array.from({ length: count }, () => makeInstance());
      for (const instance of instances) await store.instances.create(makeWrite(instance));
      return instances;
    }

    /** Frames in the write-ahead log since it was last truncated: one set per commit. */
    function walFrames(raw: Database.Database): number {
      const [result] = raw.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
      return result.log;
    }

    it('should apply saves asked for together, and roll back only the one that conflicts', async function () {
      const store = await openStore();
      const instances = await createInstances(store, 6);
      // The last one was read at a revision the store never had.
      const nexts = instances.map((instance, i) => nextRevision(i === 5 ? { ...instance, revision: 7 } : instance, { variables: { step: i } }));
      const lateTask = makeTask(nexts[5]);

      const results = await Promise.allSettled(
        nexts.map((next, i) =>
          store.instances.save(
            makeWrite(next, { tasks: i === 5 ? [lateTask] : [], history: [makeEvent(next, { type: `step-${i}` })] }),
            i === 5 ? 7 : 1,
          ),
        ),
      );

      expect(results.slice(0, 5).map((r) => r.status)).to.deep.equal(Array(5).fill('fulfilled'));
      expect(results[5].status).to.equal('rejected');
      expect((results[5] as PromiseRejectedResult).reason).to.be.instanceOf(ConflictError);
      for (let i = 0; i < 5; i++) {
        expect(await store.instances.get(instances[i].id)).to.deep.equal(nexts[i]);
        expect((await store.instances.history(instances[i].id)).map((e) => e.type)).to.deep.equal([`step-${i}`]);
      }
      expect(await store.instances.get(instances[5].id)).to.deep.equal(instances[5]);
      expect(await store.instances.history(instances[5].id)).to.deep.equal([]);
      expect(await store.instances.getTask(lateTask.id)).to.equal(null);
    });

    it('should commit saves asked for together once, where one by one they commit each', async function () {
      const store = await openStore();
      const raw = openRaw();
      const instances = await createInstances(store, 16);
      const save = (instance: (typeof instances)[number]) => {
        const next = nextRevision(instance);
        return store.instances.save(makeWrite(next, { history: [makeEvent(next)] }), 1);
      };
      raw.pragma('wal_checkpoint(TRUNCATE)');

      for (const instance of instances.slice(0, 8)) await save(instance);
      const oneByOne = walFrames(raw);
      raw.pragma('wal_checkpoint(TRUNCATE)');
      await Promise.all(instances.slice(8).map(save));
      const together = walFrames(raw);

      expect(together).to.be.greaterThan(0);
      expect(together * 3).to.be.lessThan(oneByOne);
    });

    it('should fail every save of a group and apply none when the commit cannot take the write lock', async function () {
      const store = await openStore({ busyTimeoutMs: 100 });
      const instances = await createInstances(store, 3);
      const raw = openRaw();
      raw.exec('BEGIN IMMEDIATE');

      const results = await Promise.allSettled(instances.map((instance) => store.instances.save(makeWrite(nextRevision(instance)), 1)));
      raw.exec('ROLLBACK');

      for (const result of results) {
        expect(result.status).to.equal('rejected');
        expect((result as PromiseRejectedResult).reason).to.be.instanceOf(UnavailableError);
      }
      for (const instance of instances) expect(await store.instances.get(instance.id)).to.deep.equal(instance);
    });
  });

  it('should let exactly one of two store handles on one file win a save from the same revision', async function () {
    const one = await openStore();
    const two = await openStore();
    const write = makeWrite(makeInstance(), {});
    await one.instances.create(write);
    const a = nextRevision(write.instance, { variables: { by: 'one' } });
    const b = nextRevision(write.instance, { variables: { by: 'two' } });
    const taskOfB = makeTask(b);

    const results = await Promise.allSettled([
      one.instances.save(makeWrite(a, { history: [makeEvent(a, { type: 'by-one' })] }), 1),
      two.instances.save(makeWrite(b, { tasks: [taskOfB], history: [makeEvent(b, { type: 'by-two' })] }), 1),
    ]);

    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).to.have.length(1);
    expect(rejected[0].reason).to.be.instanceOf(ConflictError);
    const winner = results[0].status === 'fulfilled' ? 'one' : 'two';
    for (const store of [one, two]) {
      expect((await store.instances.get(write.instance.id))?.variables).to.deep.equal({ by: winner });
      expect((await store.instances.history(write.instance.id)).map((e) => e.type)).to.deep.equal([`by-${winner}`]);
      expect(await store.instances.getTask(taskOfB.id)).to.deep.equal(winner === 'two' ? taskOfB : null);
    }
  });

  it('should keep revisions and history consistent when two processes race saves on one file', async function () {
    this.timeout(60_000);
    const store = await openStore();
    const write = makeWrite(makeInstance({ variables: {} }));
    await store.instances.create(write);
    const rounds = 150;

    const racers = ['left', 'right'].map((name) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(here, 'sqlite-save-racer.ts'), file, write.instance.id, String(rounds), name],
        { cwd: join(here, '..', '..'), stdio: ['pipe', 'pipe', 'inherit'] },
      );
      let output = '';
      const ready = new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('ready\n')) resolve();
        });
      });
      const done = new Promise<{ wins: number; conflicts: number }>((resolve, reject) => {
        child.on('exit', (code) => {
          if (code !== 0) return reject(new Error(`racer ${name} exited with ${code}`));
          resolve(JSON.parse(output.split('\n').filter(Boolean).pop() as string));
        });
      });
      return { child, ready, done };
    });
    await Promise.all(racers.map((r) => r.ready));
    for (const racer of racers) racer.child.stdin.write('go\n');
    const results = await Promise.all(racers.map((r) => r.done));

    const wins = results.reduce((sum, r) => sum + r.wins, 0);
    const conflicts = results.reduce((sum, r) => sum + r.conflicts, 0);
    expect(wins + conflicts).to.equal(2 * rounds);
    const stored = await store.instances.get(write.instance.id);
    expect(stored?.revision).to.equal(1 + wins);
    const history = await store.instances.history(write.instance.id);
    expect(history).to.have.length(wins);
    expect(new Set(history.map((e) => e.type)).size).to.equal(wins);
  });

  it('should chain audit appends of two store handles on one file without gaps or forks', async function () {
    const one = await openStore();
    const two = await openStore();

    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? one : two).audit.append(makeAuditEntry({ actor: i % 2 ? 'one' : 'two', action: `append-${i}` }), auditHash),
      ),
    );

    for (const store of [one, two]) {
      const entries = await store.audit.scan(0, 100);
      expectAuditChain(entries, 40);
      expect(entries.filter((e) => e.actor === 'one')).to.have.length(20);
    }
  });

  it('should chain audit appends of two processes on one file without gaps or forks', async function () {
    this.timeout(60_000);
    const store = await openStore();
    await store.audit.append(makeAuditEntry({ actor: 'parent' }), auditHash);
    const rounds = 100;

    const racers = ['left', 'right'].map((name) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(here, 'sqlite-audit-racer.ts'), file, String(rounds), name],
        { cwd: join(here, '..', '..'), stdio: ['pipe', 'pipe', 'inherit'] },
      );
      let output = '';
      const ready = new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('ready\n')) resolve();
        });
      });
      const done = new Promise<{ appended: number }>((resolve, reject) => {
        child.on('exit', (code) => {
          if (code !== 0) return reject(new Error(`racer ${name} exited with ${code}`));
          resolve(JSON.parse(output.split('\n').filter(Boolean).pop() as string));
        });
      });
      return { child, ready, done };
    });
    await Promise.all(racers.map((r) => r.ready));
    for (const racer of racers) racer.child.stdin.write('go\n');
    const results = await Promise.all(racers.map((r) => r.done));

    expect(results.map((r) => r.appended)).to.deep.equal([rounds, rounds]);
    const entries = await store.audit.scan(0, 500);
    expectAuditChain(entries, 1 + 2 * rounds);
    expect(entries.filter((e) => e.actor === 'left')).to.have.length(rounds);
    expect(entries.filter((e) => e.actor === 'right')).to.have.length(rounds);
  });

  it('should refuse to update or delete audit entries even with plain SQL', async function () {
    const store = await openStore();
    const entry = await store.audit.append(makeAuditEntry(), auditHash);
    const raw = openRaw();

    expect(() => raw.prepare(`UPDATE audit_entries SET actor = 'mallory'`).run()).to.throw(/append-only/);
    expect(() => raw.prepare(`DELETE FROM audit_entries`).run()).to.throw(/append-only/);
    expect(await store.audit.scan(0, 10)).to.deep.equal([entry]);
  });

  it('should migrate a file of schema version 1 and keep its ended instances findable for retention', async function () {
    await mkdir(dirname(file), { recursive: true });
    const old = openRaw();
    old.pragma('journal_mode = WAL');
    migrate(old, 1);
    const ended = makeInstance({ status: 'completed', endedAt: '2026-01-05T10:00:00+01:00', engineState: null });
    old
      .prepare(
        `INSERT INTO instances (id, definition_key, definition_version, business_key, status, variables,
           engine_state, incidents, revision, started_at, started_ms, started_by, ended_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'null', '[]', 1, ?, ?, ?, ?, ?)`,
      )
      .run(ended.id, ended.definitionKey, ended.definitionVersion, ended.businessKey, ended.status,
        JSON.stringify(ended.variables), ended.startedAt, Date.parse(ended.startedAt), ended.startedBy,
        ended.endedAt, ended.updatedAt);
    old.close();

    const store = await openStore();

    expect(openRaw().pragma('user_version', { simple: true })).to.equal(SCHEMA_VERSION);
    expect(await store.instances.get(ended.id)).to.deep.equal(ended);
    expect(ids(await store.instances.endedBefore(ended.definitionKey, '2026-01-05T09:00:00.001Z', 10))).to.deep.equal([ended.id]);
    expect(await store.instances.endedBefore(ended.definitionKey, T0, 10)).to.deep.equal([]);
    await store.instances.purgeCaseData(ended.id, at(10));
    expect(await store.instances.get(ended.id)).to.deep.include({ variables: {}, purgedAt: at(10) });
    expect((await store.audit.append(makeAuditEntry(), auditHash)).seq).to.equal(1);
  });

  it('should give the tasks of a file of schema version 3 their sort keys in the candidate rows (the inbox reads them)', async function () {
    const store = await openStore();
    const instance = makeInstance();
    // Created latest due first: rows without their sort key would come in creation order.
    const tasks = [null, at(30), at(20), at(10)].map((dueAt) => makeTask(instance, { dueAt, candidateGroups: ['vt-triage'], candidateUsers: ['anna'] }));
    await store.instances.create(makeWrite(instance, { tasks }));
    await store.close();
    // Back to the file as schema 3 left it: candidate rows without the copied sort key.
    const raw = openRaw();
    raw.exec(`DROP INDEX task_candidate_groups_sorted; DROP INDEX task_candidate_users_sorted;
      ALTER TABLE task_candidate_groups DROP COLUMN due_sort; ALTER TABLE task_candidate_groups DROP COLUMN created_ms;
      ALTER TABLE task_candidate_users DROP COLUMN due_sort; ALTER TABLE task_candidate_users DROP COLUMN created_ms;
      PRAGMA user_version = 3;`);
    raw.close();

    const migrated = await openStore();
    const first = (groups: string[], userId: string) =>
      migrated.instances.listTasks({ state: 'open', visibleTo: { userId, groups }, limit: 1 }).then((p) => ids(p.items));

    expect(await first(['vt-triage'], 'nobody')).to.deep.equal([tasks[3].id]);
    expect(await first([], 'anna')).to.deep.equal([tasks[3].id]);
  });

  it('should find instances for retention through the retention index', async function () {
    await openStore();
    const raw = openRaw();

    const plan = raw
      .prepare(
        `EXPLAIN QUERY PLAN SELECT * FROM instances
         WHERE definition_key = @definitionKey AND ended_ms < @beforeMs
           AND purged_at IS NULL AND status IN ('completed', 'cancelled')
         ORDER BY ended_ms, id LIMIT @limit`,
      )
      .all({ definitionKey: 'p', beforeMs: 0, limit: 10 }) as { detail: string }[];

    expect(plan.map((step) => step.detail).join('\n')).to.match(/USING INDEX instances_retention/);
    expect(plan.map((step) => step.detail).join('\n')).not.to.match(/TEMP B-TREE/);
  });

  it('should count running cases per element through indexes only (no scan of ended instances)', async function () {
    await openStore();
    const plan = (openRaw().prepare(`EXPLAIN QUERY PLAN ${ELEMENT_STATISTICS_SQL}`).all({ definitionKey: 'p', definitionVersion: 1 }) as { detail: string }[])
      .map((step) => step.detail)
      .join('\n');

    expect(plan).to.match(/instances USING (COVERING )?INDEX instances_running/);
    expect(plan).to.match(/t USING INDEX tasks_instance/);
    expect(plan).to.match(/tm USING INDEX timers_instance/);
    expect(plan).to.match(/s USING INDEX subscriptions_instance/);
    expect(plan).not.to.match(/SCAN (tasks|timers|subscriptions|instances)\b(?! USING)/);
  });

  it('should order times by instant whatever ISO 8601 form they are written in', async function () {
    const store = await openStore();
    const instance = makeInstance();
    const tasks = [
      makeTask(instance, { name: 'c', dueAt: '2026-01-05T09:30:00Z' }),
      makeTask(instance, { name: 'a', dueAt: '2026-01-05T09:00:00.000Z' }),
      makeTask(instance, { name: 'b', dueAt: '2026-01-05T10:15:00+01:00' }),
    ];
    await store.instances.create(makeWrite(instance, { tasks }));

    const page = await store.instances.listTasks({});
    const before = await store.instances.listTasks({ dueBefore: '2026-01-05T09:20:00.000Z' });

    expect(page.items.map((t) => t.name)).to.deep.equal(['a', 'b', 'c']);
    expect(page.items.find((t) => t.name === 'b')?.dueAt).to.equal('2026-01-05T10:15:00+01:00');
    expect(before.items.map((t) => t.name)).to.deep.equal(['a', 'b']);
  });

  it('should refuse calls after close with UnavailableError, and close twice quietly', async function () {
    const store = await openStore();
    await store.close();

    const error = await rejection(store.instances.get('x'));
    await store.close();

    expect(error).to.be.instanceOf(UnavailableError);
    expect(await rejection(store.timers.due(at(0), 1))).to.be.instanceOf(UnavailableError);
  });
});
