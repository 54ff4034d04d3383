/**
 * Store faults on MongoDB: the database server is killed (SIGKILL) in the middle of a steady
 * load of starts and completions, and started again on the same port, while one Samenspel
 * server process (src/main.ts, a child process: "it stays up" means the real process with
 * its own unhandled-rejection behaviour, not the test runner) keeps running on it.
 *
 * What the test shows:
 * - before the kill, a snapshot of the store taken at a quiet moment of the load holds every
 *   acknowledged command completely (instance with its business key once, the task in the
 *   right state, the history events) and no instance in any other shape; the load then goes
 *   on and the server is killed 100-400 ms later, with commands in flight;
 * - from the kill on, every request answers 503 `store_unavailable` with Retry-After within a
 *   bound (one 5 s server selection timeout after the kill, two for a command cut off
 *   mid-write; see below; measured and printed); never a 500, never a hang; `/api/health`
 *   (liveness) keeps answering; the process stays up;
 * - once the database answers again, the same process uses it without a restart: the first
 *   read after the database is ready no longer answers 503 (time measured);
 * - nothing of a refused command arrives late: the restarted (empty) database holds no
 *   instance, task or history row at all, so no write was buffered during the outage and
 *   replayed after it (commands are not buffered: bufferCommands off);
 * - Samenspel does not re-create users, sign-in tokens or definitions when it reconnects
 *   (it seeds and deploys at start only), so the operator's way back is a restore: the backup
 *   taken before the load (store:copy's copyStore into a SQLite file) is copied into the new
 *   database and verified; then the tokens of before work again, new starts and completions
 *   succeed (201/200), the commands refused during the outage succeed once each, a task the
 *   restore does not hold answers 404 (the node's engine cache brings nothing back), the audit
 *   chain verifies, and the timer scheduler and the hand-over outbox loop (which kept failing,
 *   logged, during the outage) fire a timer and deliver a message again.
 *
 * What the in-memory test server cannot show: the database contents right after the kill.
 * jongodb keeps nothing, so whatever a command that was cut off mid-write had written is gone
 * with it, as are the effects of commands acknowledged between the snapshot and the kill. That
 * a connection lost mid-command leaves the data whole and the next call works on the same
 * store is covered where the data survives: `test/store/mongo-store.spec.ts` cuts a TCP proxy
 * in front of the database ("should answer UnavailableError while the database cannot be
 * reached, and recover without a reopen") and applies a write whose writer died between its
 * commit and its journal ("should apply a write that a dead node committed but did not apply");
 * `store-faults.spec.ts` races a lock against commands on SQLite.
 *
 * Against MONGODB_URI (a real server) the test is skipped: it cannot stop that server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { openMongoStore } from '../../src/store/mongo/mongo-store.js';
import type { Store } from '../../src/store/port.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { copyStore, verifyCopy } from '../../src/tools/copy-store.js';
import { startJongodb, withDatabase, type Jongodb } from '../support/jongodb.js';
import { api, kill, makeDirs, NS, signIn, sleep, startChild, type ChildServer } from './child-server.js';

const LOOPS = 4;
/** The store's server selection timeout (its default), the longest one call waits for a server. */
const SELECTION_MS = 5000;
// Generous: the bound is about never hanging, and a slower machine adds its own time to each wait.
const MARGIN_MS = 5000;
/**
 * A request sent after the kill fails at its first store call (sign-in token lookup): one
 * selection timeout. A command cut off mid-write waits twice: the driver retries the write once
 * it finds a server again (selection timeout), and the audit guard then tries to record the
 * command as `failed` (another one) before it answers.
 */
const AFTER_KILL_BOUND_MS = SELECTION_MS + MARGIN_MS;
const CUT_OFF_BOUND_MS = 2 * SELECTION_MS + MARGIN_MS;
/** How long the load keeps going after the kill. */
const OUTAGE_LOAD_MS = 6000;
/** A request not answered by then counts as a hang. */
const HANG_MS = 20_000;

const starters = `<bpmn:extensionElements><zeebe:properties><zeebe:property name="samenspel.starterGroups" value="vt-frontoffice" /></zeebe:properties></bpmn:extensionElements>`;
const task = (id: string) => `<bpmn:userTask id="${id}" name="${id}"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="vt-triage" /></bpmn:extensionElements></bpmn:userTask>`;
const definitions = (id: string, body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Defs_${id}" targetNamespace="http://samenspel.test" modeler:executionPlatform="Camunda Cloud">
  ${body}
</bpmn:definitions>
`;

/** The load: start -> taak (vt-triage) -> end. */
const LOAD_XML = definitions(
  'herstart',
  `<bpmn:process id="herstart" name="Herstart" isExecutable="true">${starters}
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="taak" />
    ${task('taak')}
    <bpmn:sequenceFlow id="f2" sourceRef="taak" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>`,
);

/** The loops after the outage: a timer (scheduler) ends in a message (outbox) that starts `ontvanger`. */
const WEKKER_XML = definitions(
  'wekker',
  `<bpmn:process id="wekker" name="Wekker" isExecutable="true">${starters}
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wacht" />
    <bpmn:intermediateCatchEvent id="wacht"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wacht" targetRef="stuur" />
    <bpmn:endEvent id="stuur">
      <bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="=nr" target="nr" /></zeebe:ioMapping></bpmn:extensionElements>
      <bpmn:messageEventDefinition messageRef="Msg_Wekker" />
    </bpmn:endEvent>
  </bpmn:process>
  <bpmn:process id="ontvanger" name="Ontvanger" isExecutable="true">
    <bpmn:startEvent id="ontvangen"><bpmn:messageEventDefinition messageRef="Msg_Wekker" /></bpmn:startEvent>
    <bpmn:sequenceFlow id="g1" sourceRef="ontvangen" targetRef="afhandelen" />
    ${task('afhandelen')}
    <bpmn:sequenceFlow id="g2" sourceRef="afhandelen" targetRef="klaar" />
    <bpmn:endEvent id="klaar" />
  </bpmn:process>
  <bpmn:message id="Msg_Wekker" name="Gewekt"><bpmn:extensionElements><zeebe:subscription correlationKey="=nr" /></bpmn:extensionElements></bpmn:message>`,
);

/** One request of the load, with its timing. `status` 0: no answer (connection lost or hang). */
interface Sent {
  what: 'start' | 'read tasks' | 'complete';
  sentAt: number;
  answeredAt?: number;
  status?: number;
  code?: string;
}

describe('faults: the MongoDB server stopped and restarted mid-command', function () {
  this.timeout(90_000);

  let db: Jongodb | null = null;
  let server: ChildServer | null = null;
  let root: string | null = null;
  afterEach(function () {
    // The server's own account of a failure (its log: warnings and errors only).
    if (this.currentTest?.state === 'failed' && server) console.log(server.output.join('').split('\n').slice(-30).join('\n'));
  });
  after(async () => {
    if (server) await kill(server);
    await db?.kill();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('should answer 503 within a bound while the server is gone, keep every acknowledged command whole, and recover without a restart', async function () {
    // A real MongoDB (MONGODB_URI) is not ours to kill and start again; jongodb is.
    if (process.env.MONGODB_URI) this.skip();

    db = await startJongodb();
    const uri = withDatabase(db.uri, 'samenspel_restart');
    const dirs = await makeDirs({ 'herstart.bpmn': LOAD_XML, 'wekker.bpmn': WEKKER_XML });
    root = dirs.root;
    server = await startChild({
      MONGODB_URI: uri,
      SAMENSPEL_DATA_DIR: dirs.dataDir,
      SAMENSPEL_PROCESSES_DIR: dirs.processesDir,
      SAMENSPEL_TIMER_POLL_MS: '200',
    });
    const url = server.url;
    const starter = await signIn(url, 'vt-frontoffice');
    const worker = await signIn(url, 'vt-triagist');
    const auditor = await signIn(url, 'auditor');
    const backupFile = path.join(await mkdtemp(path.join(dirs.root, 'backup-')), 'samenspel.db');
    await withStores(uri, backupFile, (live, backup) => copyStore(live, backup));

    // ------------------------------------------------------------------ the load
    const sent: Sent[] = [];
    const ackedStarts = new Map<string, string>(); // businessKey -> instance id
    const ackedCompletions = new Set<string>(); // task ids
    const refusedStarts: string[] = []; // business keys answered 503
    const control = { paused: false, stopped: false };
    let next = 0;

    const call = async (what: Sent['what'], token: string, method: string, urlPath: string, body?: unknown) => {
      const record: Sent = { what, sentAt: Date.now() };
      sent.push(record);
      const answer = await Promise.race([
        api(url, token, method, urlPath, body).catch(() => ({ status: 0, body: undefined })),
        sleep(HANG_MS).then(() => ({ status: 0, body: undefined })),
      ]);
      Object.assign(record, { answeredAt: Date.now(), status: answer.status, code: answer.body?.error?.code });
      return answer;
    };
    /** One loop: its own cases (no two loops race for a task), a start or a completion each turn. */
    const loop = async (index: number) => {
      const mine: string[] = [];
      while (!control.stopped) {
        if (control.paused) {
          await sleep(5);
          continue;
        }
        if (mine.length < 2 || Math.random() < 0.5) {
          const businessKey = `herstart-${index}-${next++}`;
          const answer = await call('start', starter, 'POST', '/api/instances', { definitionKey: 'herstart', businessKey });
          if (answer.status === 201) {
            ackedStarts.set(businessKey, answer.body.id);
            mine.push(answer.body.id);
          } else if (answer.status === 503) refusedStarts.push(businessKey);
          continue;
        }
        const id = mine[0];
        const tasks = await call('read tasks', worker, 'GET', `/api/tasks?instanceId=${encodeURIComponent(id)}`);
        const open = tasks.status === 200 ? (tasks.body.items as { id: string; state: string }[]).filter((task) => task.state === 'open') : [];
        if (open.length === 0) continue;
        const answer = await call('complete', worker, 'POST', `/api/tasks/${open[0].id}/complete`, { variables: {} });
        if (answer.status === 200) {
          ackedCompletions.add(open[0].id);
          mine.shift();
        }
      }
    };
    const loops = Array.from({ length: LOOPS }, (_, index) => loop(index));

    // A quiet moment of the load: every command answered, none in flight, so the snapshot is
    // one consistent state.
    await sleep(1500);
    control.paused = true;
    while (sent.some((request) => request.answeredAt === undefined)) await sleep(5);
    expect(sent.filter((request) => request.status !== 200 && request.status !== 201), 'answers before the kill').to.deep.equal([]);
    const snapshot = await readStore(uri);
    checkWhole(snapshot, ackedStarts, ackedCompletions);
    const acknowledgedAtSnapshot = { starts: ackedStarts.size, completions: ackedCompletions.size };

    // The load again, and the kill while it runs.
    control.paused = false;
    await sleep(100 + Math.random() * 300);
    const inFlight = sent.filter((request) => request.answeredAt === undefined);
    const killedAt = Date.now();
    await db.kill();
    const health = await fetch(`${url}/api/health`);
    expect(health.status, 'liveness during the outage').to.equal(200);
    const refusal = await fetch(`${url}/api/instances`, {
      method: 'POST',
      headers: { authorization: `Bearer ${starter}`, 'content-type': 'application/json' },
      body: JSON.stringify({ definitionKey: 'herstart' }),
    });
    expect(refusal.status).to.equal(503);
    expect(Number(refusal.headers.get('retry-after')), 'Retry-After of a refusal').to.be.greaterThan(0);
    await sleep(OUTAGE_LOAD_MS);
    control.stopped = true;
    await Promise.all(loops);

    // ------------------------------------------------------------------ during the outage
    const afterKill = sent.filter((request) => request.sentAt >= killedAt);
    expect(afterKill.length, 'requests sent after the kill').to.be.greaterThan(LOOPS);
    for (const request of afterKill) {
      expect([request.what, request.status, request.code], 'a request after the kill').to.deep.equal([request.what, 503, 'store_unavailable']);
    }
    // Cut off mid-command: answered before the database went (2xx) or refused, nothing else.
    for (const request of inFlight) expect([200, 201, 503], `${request.what} in flight at the kill`).to.include(request.status);
    const waits = afterKill.map((request) => request.answeredAt! - request.sentAt);
    const cutOff = inFlight.map((request) => request.answeredAt! - killedAt);
    expect(Math.max(...waits), 'longest wait for an answer after the kill').to.be.below(AFTER_KILL_BOUND_MS);
    expect(Math.max(...cutOff), 'longest wait for an answer cut off by the kill').to.be.below(CUT_OFF_BOUND_MS);
    expect(server.child.exitCode, 'the server process is still running').to.equal(null);

    // ------------------------------------------------------------------ the database back
    const outageEnded = Date.now();
    db = await startJongodb({ port: db.port });
    const readyAt = Date.now();
    let firstAnswer: { status: number; body: any };
    do firstAnswer = await api(url, auditor, 'GET', '/api/instances?limit=1');
    while (firstAnswer.status === 503 && Date.now() - readyAt < 15_000);
    const recoveryMs = Date.now() - readyAt;
    // The new database is empty: the token of before is unknown there, which only a store that
    // answers can say.
    expect(firstAnswer.status, JSON.stringify(firstAnswer.body)).to.equal(401);
    expect(await counts(uri), 'rows in the restarted database: nothing refused arrived late').to.deep.equal({ instances: 0, tasks: 0, history: 0 });

    const restore = await withStores(uri, backupFile, async (live, backup) => {
      await copyStore(backup, live);
      return verifyCopy(backup, live);
    });
    expect(restore.mismatches, 'restored aggregates that differ from the backup').to.deep.equal([]);
    expect(restore.ok, 'restore verified').to.equal(true);

    // ------------------------------------------------------------------ after the restore
    const { id, taskId } = await startAndFindTask(url, starter, worker, 'herstart', { businessKey: 'na-herstel' });
    const completed = await api(url, worker, 'POST', `/api/tasks/${taskId}/complete`, { variables: {} });
    expect(completed.status, JSON.stringify(completed.body)).to.equal(200);
    expect(completed.body.instance).to.deep.include({ id, status: 'completed' });
    for (const businessKey of refusedStarts) {
      const again = await api(url, starter, 'POST', '/api/instances', { definitionKey: 'herstart', businessKey });
      expect(again.status, `${businessKey} again: ${JSON.stringify(again.body)}`).to.equal(201);
    }
    const openBefore = snapshot.tasks.find((task) => task.state === 'open')!;
    const lost = await api(url, worker, 'POST', `/api/tasks/${openBefore._id}/complete`, { variables: {} });
    expect(lost.status, 'a task of before, not in the restored database').to.equal(404);
    const verify = await api(url, auditor, 'GET', '/api/audit/verify');
    expect([verify.status, verify.body.valid]).to.deep.equal([200, true]);

    // Timer scheduler and outbox loop: a 1 s timer ends in a message that starts `ontvanger`.
    await startAndFindTask(url, starter, worker, 'wekker', { variables: { nr: 'wekker-1' } }, 0);
    const woken = Date.now();
    let received: { status: number; body: any };
    do {
      await sleep(100);
      received = await api(url, worker, 'GET', '/api/tasks?definitionKey=ontvanger');
    } while ((received.body?.items ?? []).length === 0 && Date.now() - woken < 10_000);
    expect(received.body.items, 'task of the case the hand-over started').to.have.length(1);

    const log = server.output.join('').split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { msg?: string; res?: { statusCode?: number } });
    expect(log.filter((entry) => entry.msg === 'unhandled error' || entry.res?.statusCode === 500), 'errors that are not a 503').to.deep.equal([]);
    const schedulerFailures = log.filter((entry) => entry.msg === 'scheduler step failed').length;
    expect(schedulerFailures, 'scheduler rounds that failed (and were tried again) during the outage').to.be.greaterThan(0);
    expect(server.child.exitCode, 'the server process is still running').to.equal(null);

    const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];
    console.log(
      `      mongo restart: snapshot held ${acknowledgedAtSnapshot.starts} acknowledged starts and ${acknowledgedAtSnapshot.completions} completions; ` +
        `${inFlight.length} in flight at the kill (${inFlight.filter((r) => r.status === 503).length} × 503, answered after ${Math.max(...cutOff)} ms at most); ` +
        `${afterKill.length} requests after the kill, all 503, waited p50 ${percentile(waits, 0.5)} ms, max ${Math.max(...waits)} ms; ` +
        `outage ${outageEnded - killedAt} ms; first answer from the restarted database ${recoveryMs} ms after it was ready; ` +
        `${refusedStarts.length} refused starts done after the restore; ${schedulerFailures} failed scheduler rounds logged`,
    );
  });
});

/** Opens the live MongoDB store and the SQLite backup, runs `fn`, closes both. */
async function withStores<T>(uri: string, backupFile: string, fn: (live: Store, backup: Store) => Promise<T>): Promise<T> {
  const live = await openMongoStore({ uri });
  try {
    const backup = await openSqliteStore({ file: backupFile });
    try {
      return await fn(live, backup);
    } finally {
      await backup.close();
    }
  } finally {
    await live.close();
  }
}

interface Snapshot {
  instances: { _id: string; businessKey: string | null; status: string; dirty: boolean }[];
  tasks: { _id: string; instanceId: string; elementId: string; state: string }[];
  history: { instanceId: string; type: string }[];
}

/** The documents as stored (a plain connection: reading through the store port would apply journals). */
async function readStore(uri: string): Promise<Snapshot> {
  const connection = await mongoose.createConnection(uri).asPromise();
  try {
    const all = (name: string, fields: string[]) =>
      connection.db!.collection(name).find({}, { projection: Object.fromEntries(fields.map((field) => [field, 1])) }).toArray();
    return {
      instances: (await all('instances', ['businessKey', 'status', 'dirty'])) as unknown as Snapshot['instances'],
      tasks: (await all('tasks', ['instanceId', 'elementId', 'state'])) as unknown as Snapshot['tasks'],
      history: (await all('history', ['instanceId', 'type'])) as unknown as Snapshot['history'],
    };
  } finally {
    await connection.close();
  }
}

async function counts(uri: string): Promise<{ instances: number; tasks: number; history: number }> {
  const snapshot = await readStore(uri);
  return { instances: snapshot.instances.length, tasks: snapshot.tasks.length, history: snapshot.history.length };
}

/**
 * Every acknowledged start is there once under its business key, every acknowledged completion
 * is completed, nothing else is there, and every instance is in one of the two whole shapes:
 * active waiting at `taak`, or completed with `taak` done once.
 */
function checkWhole(snapshot: Snapshot, ackedStarts: Map<string, string>, ackedCompletions: Set<string>): void {
  expect(snapshot.instances.map((instance) => instance.businessKey).sort(), 'instances by business key').to.deep.equal([...ackedStarts.keys()].sort());
  for (const instance of snapshot.instances) {
    expect(instance._id, `instance of ${instance.businessKey}`).to.equal(ackedStarts.get(instance.businessKey!));
    expect(instance.dirty, `${instance._id}: journal applied`).to.equal(false);
    const tasks = snapshot.tasks.filter((task) => task.instanceId === instance._id).map((task) => `${task.elementId}:${task.state}`);
    const events = snapshot.history.filter((event) => event.instanceId === instance._id).map((event) => event.type);
    const count = (type: string) => events.filter((event) => event === type).length;
    const shape = { status: instance.status, tasks, started: count('started'), taskCompleted: count('task-completed') };
    const whole = instance.status === 'active' ? { status: 'active', tasks: ['taak:open'], started: 1, taskCompleted: 0 } : { status: 'completed', tasks: ['taak:completed'], started: 1, taskCompleted: 1 };
    expect(shape, `${instance.businessKey}`).to.deep.equal(whole);
  }
  const completedTasks = snapshot.tasks.filter((task) => task.state === 'completed').map((task) => task._id);
  expect(completedTasks.sort(), 'completed tasks').to.deep.equal([...ackedCompletions].sort());
  const known = new Set(snapshot.instances.map((instance) => instance._id));
  const orphans = [...snapshot.tasks, ...snapshot.history].filter((row) => !known.has(row.instanceId));
  expect(orphans, 'tasks and history of no instance').to.deep.equal([]);
}

/** Starts a case and returns its open task (when it has `tasks` of them right away). */
async function startAndFindTask(url: string, starter: string, worker: string, definitionKey: string, body: Record<string, unknown>, tasks = 1): Promise<{ id: string; taskId: string }> {
  const started = await api(url, starter, 'POST', '/api/instances', { definitionKey, ...body });
  expect(started.status, JSON.stringify(started.body)).to.equal(201);
  const found = await api(url, worker, 'GET', `/api/tasks?instanceId=${encodeURIComponent(started.body.id)}`);
  expect(found.status).to.equal(200);
  expect(found.body.items, `open tasks of a new ${definitionKey}`).to.have.length(tasks);
  return { id: started.body.id, taskId: found.body.items[0]?.id };
}
