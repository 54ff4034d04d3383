/**
 * npm run bench:scale [-- --quick] [-- --profile] [-- --timers=N] [-- --keep]
 *
 * The server at scale: 100,000 waiting instances with 100,000 open tasks of one group
 * (--quick: 10,000), measured on the real server process (`node --import tsx src/main.ts`):
 *
 * 1. start-up, spawn to the first 200 of GET /api/health, beside the cost of loading tsx and
 *    the modules alone;
 * 2. RSS of the server with 1,000 and with all waiting instances, after the same inbox queries;
 * 3. the inbox query of /tasks (`GET /api/tasks?state=open&limit=200&candidate=me`) for
 *    vt-triagist, sequential and under autocannon;
 * 4. 10,000 timers (--quick: 1,000) due at once: how long until all fired, and per fire
 *    where the time goes (measured in this process on the same store).
 *
 * Seeding: one real instance of each bench process runs through the runtime; its stored
 * records are cloned under new ids through the store port (`InstanceStore.create`, every
 * check of a normal create). The engine state names its instance once (the engine's name)
 * and a waiting timer holds its due time (expireAt); both are rewritten in the clone. The
 * clones are proven real: a few cloned tasks are completed through the API and every cloned
 * timer fires and opens its task on the server.
 *
 * --profile writes CPU profiles of the server (node --cpu-prof) and prints their top entries.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { seedDemoUsers } from '../src/access/demo-users.js';
import { SYSTEM_ACTOR } from '../src/access/principal.js';
import { systemClock } from '../src/clock.js';
import { createDeploymentService } from '../src/definitions/deployment-service.js';
import { createWorkingDayCalendar } from '../src/engine/working-days.js';
import { createConnectorRegistry } from '../src/runtime/connectors/connector-registry.js';
import { createRuntime, type Runtime } from '../src/runtime/runtime.js';
import type { HistoryEvent, InstanceRecord, InstanceWrite, Json, Store, TaskRecord, TimerRecord } from '../src/store/port.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { api, ROOT, signIn, sleep } from '../test/faults/child-server.js';
import { freePort } from '../test/support/jongodb.js';
import { hotFunctions, profilesIn } from './cpu-profile.js';
import { cpuSeconds, serverPids } from './server-process.js';

const quick = process.argv.includes('--quick');
const profile = process.argv.includes('--profile');
/** Keeps the temporary directory (data, processes, profiles) for a look afterwards. */
const keep = process.argv.includes('--keep');
const WAITING_LOW = 1_000;
const WAITING = quick ? 10_000 : 100_000;
/** --timers=N: fewer timers, for a run that compares rates (a slow fire takes minutes for 10,000). */
const timersArg = process.argv.find((arg) => arg.startsWith('--timers='));
const TIMERS = timersArg ? Number(timersArg.slice('--timers='.length)) : quick ? 1_000 : 10_000;
const BREAKDOWN_TIMERS = quick ? 200 : 1_000;
const SEQUENTIAL_QUERIES = quick ? 200 : 500;
const CANNON_SECONDS = quick ? 5 : 10;
const SEED_BATCH = 1_000;
const INBOX_QUERY = '/api/tasks?state=open&limit=200&candidate=me';
const GROUP = 'vt-triage';
const USER = 'vt-triagist';

const NS = `xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"`;
const userTask = (id: string) =>
  `<bpmn:userTask id="${id}" name="Beoordelen"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="${GROUP}" /></bpmn:extensionElements></bpmn:userTask>`;
const definitions = (key: string, body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Defs_${key}" targetNamespace="bench">
  <bpmn:process id="${key}" name="${key}" isExecutable="true">
    <bpmn:startEvent id="start" />
    ${body}
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;
const PROCESSES: Record<string, string> = {
  'scale-inbox.bpmn': definitions(
    'scale-inbox',
    `<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="beoordelen" />
    ${userTask('beoordelen')}
    <bpmn:sequenceFlow id="f2" sourceRef="beoordelen" targetRef="end" />`,
  ),
  'scale-timer.bpmn': definitions(
    'scale-timer',
    `<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wacht" />
    <bpmn:intermediateCatchEvent id="wacht"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wacht" targetRef="na-wachten" />
    ${userTask('na-wachten')}
    <bpmn:sequenceFlow id="f3" sourceRef="na-wachten" targetRef="end" />`,
  ),
};

// ------------------------------------------------------------------ figures

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);
const ms = (value: number) => `${value.toFixed(1)} ms`;
const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;
const verdict = (met: boolean) => (met ? 'met' : 'NOT met');

/** VmRSS, RssAnon (heap, malloc: what grows with data held in memory) and RssFile (mapped
 * files), summed over the server's processes. */
function rssOf(pid: number): { rss: number; anon: number; file: number } {
  const sum = { rss: 0, anon: 0, file: 0 };
  for (const member of serverPids(pid)) {
    const status = readFileSync(`/proc/${member}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    sum.rss += field('VmRSS');
    sum.anon += field('RssAnon');
    sum.file += field('RssFile') + field('RssShmem');
  }
  return sum;
}

/** RSS of the server's processes, and (one process) its V8 heap in use and external memory
 * from GET /metrics: what RSS grows by beyond these is native memory (SQLite's page cache,
 * malloc arenas). Heap figures follow the last GC, so they move by a few MB either way. */
async function memoryOf(server: { url: string; child: ChildProcess }) {
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  const metric = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(metrics)?.[1] ?? NaN) / 1024;
  return { ...rssOf(server.child.pid!), heap: metric('nodejs_heap_size_used_bytes'), external: metric('nodejs_external_memory_bytes') };
}

// ------------------------------------------------------------------ seeding

interface Template {
  instance: InstanceRecord;
  tasks: TaskRecord[];
  timers: TimerRecord[];
  history: HistoryEvent[];
  /** The engine state as text, to rewrite per clone. */
  stateText: string;
}

async function openSeedStore(dataDir: string): Promise<Store> {
  // NORMAL: seeding does not need every commit on disk; the server opens the file with FULL.
  return openSqliteStore({ file: path.join(dataDir, 'samenspel.db'), synchronous: 'NORMAL' });
}

/** Deploys the bench processes as the server will (found unchanged at its start), creates the
 * demo users (so that no start pays for their password hashes) and runs one real instance of
 * each process through the runtime. */
async function prepare(dataDir: string, processesDir: string): Promise<{ inbox: Template; timer: Template }> {
  const store = await openSeedStore(dataDir);
  try {
    const connectors = createConnectorRegistry([]);
    const runtime = createRuntime({ store, clock: systemClock, connectors, calendar: createWorkingDayCalendar() });
    const deployments = createDeploymentService({
      store,
      clock: systemClock,
      ids: randomUUID,
      connectorTypes: () => connectors.types(),
      onDeployed: () => runtime.definitions.invalidate(),
    });
    await deployments.deployDirectory(processesDir, SYSTEM_ACTOR);
    await seedDemoUsers(store.users, systemClock);
    return { inbox: await template(store, runtime, 'scale-inbox'), timer: await template(store, runtime, 'scale-timer') };
  } finally {
    await store.close();
  }
}

async function template(store: Store, runtime: Runtime, key: string): Promise<Template> {
  const started = await runtime.startInstance({ definitionKey: key, businessKey: `${key}-template` }, 'bench');
  const id = started.instance.id;
  const instance = (await store.instances.get(id))!;
  const stateText = JSON.stringify(instance.engineState);
  const mentions = stateText.split(id).length - 1;
  if (mentions !== 1 || (instance.engineState as { name?: unknown }).name !== id) {
    throw new Error(`expected the engine state to name its instance once, as the engine's name; found ${mentions} mentions`);
  }
  const timers = await store.instances.timersOfInstance(id);
  for (const timer of timers) {
    if (!stateText.includes(`"expireAt":"${timer.dueAt}"`)) throw new Error(`the engine state does not hold the due time of timer ${timer.id}`);
  }
  return { instance, tasks: await store.instances.tasksOfInstance(id), timers, history: await store.instances.history(id), stateText };
}

/**
 * Writes `count` clones of the template through InstanceStore.create, with every check of a
 * create (a batch asked for at once may share one commit when the store groups commits).
 * Start and task creation times are spread a millisecond apart so the inbox sorts like real
 * data; `timerDueAt` moves every cloned timer (store record and engine state) to that time.
 * Returns the ids of the cloned tasks.
 */
async function clone(store: Store, from: Template, count: number, first: number, timerDueAt?: string): Promise<string[]> {
  const base = Date.parse(from.instance.startedAt) - (first + count) * 1;
  let stateText = from.stateText;
  for (const timer of from.timers) if (timerDueAt) stateText = stateText.replace(`"expireAt":"${timer.dueAt}"`, `"expireAt":"${timerDueAt}"`);
  // The engine's name is the one place the state names its instance: a shallow copy with
  // another name is the clone's state (the store serialises it per instance anyway).
  const state = JSON.parse(stateText) as Record<string, unknown>;
  const taskIds: string[] = [];
  const writes: InstanceWrite[] = [];
  for (let n = 0; n < count; n++) {
    const id = randomUUID();
    const at = new Date(base + n).toISOString();
    const businessKey = `${from.instance.definitionKey}-${first + n}`;
    const taskIdOf = new Map(from.tasks.map((task) => [task.id, randomUUID()]));
    const tasks = from.tasks.map((task) => ({ ...task, id: taskIdOf.get(task.id)!, instanceId: id, businessKey, createdAt: at }));
    taskIds.push(...tasks.map((task) => task.id));
    writes.push({
      instance: { ...from.instance, id, businessKey, engineState: { ...state, name: id } as Json, startedAt: at, updatedAt: at },
      tasks,
      timers: from.timers.map((timer) => ({ ...timer, id: randomUUID(), instanceId: id, dueAt: timerDueAt ?? timer.dueAt })),
      subscriptions: [],
      history: from.history.map((event) => ({
        instanceId: id,
        at,
        type: event.type,
        elementId: event.elementId,
        actor: event.actor,
        ...(event.data ? { data: { ...event.data, ...(typeof event.data.taskId === 'string' ? { taskId: taskIdOf.get(event.data.taskId) } : {}) } } : {}),
      })),
    });
    // Creates asked for together may share a commit (the store's group commit); in batches
    // so that memory stays flat.
    if (writes.length === SEED_BATCH || n === count - 1) {
      await Promise.all(writes.map((write) => store.instances.create(write)));
      writes.length = 0;
    }
  }
  return taskIds;
}

async function seed(dataDir: string, from: Template, count: number, first: number, timerDueAt?: string): Promise<string[]> {
  const store = await openSeedStore(dataDir);
  const began = performance.now();
  try {
    const taskIds = await clone(store, from, count, first, timerDueAt);
    const seconds = (performance.now() - began) / 1000;
    console.log(`  seeded ${count} ${from.instance.definitionKey} instances in ${seconds.toFixed(1)} s (${(count / seconds).toFixed(0)}/s through InstanceStore.create)`);
    return taskIds;
  } finally {
    await store.close();
  }
}

// ------------------------------------------------------------------ the server process

interface Server {
  url: string;
  child: ChildProcess;
  startMs: number;
  /** CPU time (user + system) the server had used when it first answered: unlike wall
   * time, hardly moved by other work on the machine. */
  startCpuMs: number;
  output: string[];
}

/** CPU time of the server's processes so far, in ms. */
const cpuMsOf = (pid: number) => cpuSeconds(serverPids(pid)) * 1000;

const TSX_ENTRY = ['--import', 'tsx', 'src/main.ts'];

/** src/main.ts bundled by esbuild (node_modules stay external, so it lives below them): the
 * start-up without transpiling on the fly. Removed when this process exits. */
async function bundledEntry(): Promise<string[]> {
  const outfile = path.join(ROOT, 'node_modules', '.cache', 'samenspel-scale', `main-${process.pid}.mjs`);
  process.once('exit', () => rmSync(outfile, { force: true }));
  await promisify(execFile)(
    path.join(ROOT, 'node_modules', '.bin', 'esbuild'),
    ['src/main.ts', '--bundle', '--platform=node', '--format=esm', '--packages=external', `--outfile=${outfile}`, '--log-level=warning'],
    { cwd: ROOT },
  );
  return [outfile];
}

interface StartOptions {
  profileDir?: string;
  entry?: string[];
  /** SAMENSPEL_WORKERS; 1 (one process, one node) unless told, `default` = the server's default. */
  workers?: number | 'default';
}

async function startServer(dataDir: string, processesDir: string, options: StartOptions = {}): Promise<Server> {
  const port = await freePort();
  const began = performance.now();
  // --cpu-prof is refused in NODE_OPTIONS: it goes on the command line.
  const profiling = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
  const child = spawn(process.execPath, [...profiling, ...(options.entry ?? TSX_ENTRY)], {
    cwd: ROOT,
    env: {
      ...process.env,
      MONGODB_URI: '',
      PORT: String(port),
      HOST: '127.0.0.1',
      SAMENSPEL_DATA_DIR: dataDir,
      SAMENSPEL_PROCESSES_DIR: processesDir,
      SAMENSPEL_LOG_LEVEL: 'warn',
      SAMENSPEL_WORKERS: options.workers === 'default' ? '' : String(options.workers ?? 1),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited at start:\n${output.join('')}`);
    const health = await fetch(`${url}/api/health`).catch(() => null);
    if (health?.status === 200) return { url, child, startMs: performance.now() - began, startCpuMs: cpuMsOf(child.pid!), output };
    if (performance.now() - began > 60_000) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer in time:\n${output.join('')}`);
    }
    await sleep(5);
  }
}

/** SIGTERM: a graceful stop, which also lets --cpu-prof write its profile. */
async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

/** Wall and CPU time of `node --import tsx -e <script>` (the script prints its CPU time at the end). */
async function timed(script: string): Promise<{ wall: number; cpu: number }> {
  const began = performance.now();
  const cpuAtEnd = `const u = process.cpuUsage(); console.log((u.user + u.system) / 1000);`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `${script}\n${cpuAtEnd}`], { cwd: ROOT });
  return { wall: performance.now() - began, cpu: Number(stdout.trim().split('\n').pop()) };
}

async function startupParts() {
  const tsx: { wall: number; cpu: number }[] = [];
  const imports: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < 3; i++) {
    tsx.push(await timed(''));
    imports.push(await timed(`await import('./src/server.ts');`));
  }
  const of = (runs: { wall: number; cpu: number }[]) => ({ wall: median(runs.map((run) => run.wall)), cpu: median(runs.map((run) => run.cpu)) });
  return { tsx: of(tsx), imports: of(imports) };
}

// ------------------------------------------------------------------ inbox

async function inboxOnce(url: string, token: string): Promise<{ ms: number; count: number }> {
  const began = performance.now();
  const answer = await api(url, token, 'GET', INBOX_QUERY);
  const took = performance.now() - began;
  if (answer.status !== 200) throw new Error(`inbox query: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { ms: took, count: answer.body.items.length };
}

async function sequentialInbox(url: string, token: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push((await inboxOnce(url, token)).ms);
  return times.sort((a, b) => a - b);
}

async function cannonInbox(url: string, token: string): Promise<{ rps: number; sorted: number[]; non2xx: number }> {
  const latencies: number[] = [];
  const instance = autocannon({
    url: `${url}${INBOX_QUERY}`,
    connections: 10,
    duration: CANNON_SECONDS,
    headers: { authorization: `Bearer ${token}` },
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
  const result = await instance;
  return { rps: result.requests.average, sorted: latencies.sort((a, b) => a - b), non2xx: result.non2xx + result.errors + result.timeouts };
}

const spread = (sorted: number[]) =>
  `p50 ${ms(percentile(sorted, 50))}, p95 ${ms(percentile(sorted, 95))}, p99 ${ms(percentile(sorted, 99))}`;

/** Completes cloned tasks through the API: proof that a clone is an instance the server can run. */
async function completeClones(url: string, token: string, taskIds: string[]): Promise<void> {
  for (const taskId of taskIds) {
    const done = await api(url, token, 'POST', `/api/tasks/${taskId}/complete`, { variables: { beoordeeld: true } });
    if (done.status !== 200 || done.body.instance?.status !== 'completed') {
      throw new Error(`completing cloned task ${taskId}: ${done.status} ${JSON.stringify(done.body)}`);
    }
  }
}

// ------------------------------------------------------------------ timers

/** Overdue timers still waiting (the templates' own timers are an hour ahead), and fires so far. */
function timerCounts(db: Database.Database): { pendingTimers: number; fired: number } {
  const pending = db.prepare(`SELECT count(*) AS n FROM timers WHERE definition_key = 'scale-timer' AND due_ms <= ?`).get(Date.now()) as { n: number };
  const fired = db.prepare(`SELECT count(*) AS n FROM history WHERE type = 'timer-fired'`).get() as { n: number };
  return { pendingTimers: pending.n, fired: fired.n };
}

/** Fires the due timers in this process with every step timed: where does a fire go? */
async function timerBreakdown(dataDir: string, concurrency: number) {
  const store = await openSqliteStore({ file: path.join(dataDir, 'samenspel.db') });
  try {
    const runtime = createRuntime({
      store,
      clock: systemClock,
      connectors: createConnectorRegistry([]),
      calendar: createWorkingDayCalendar(),
      scheduler: { concurrency },
    });
    const spent = new Map<string, number>();
    const wrap = (label: string, target: any, name: string) => {
      const original = target[name].bind(target);
      target[name] = async (...args: unknown[]) => {
        const began = performance.now();
        try {
          return await original(...args);
        } finally {
          spent.set(label, (spent.get(label) ?? 0) + performance.now() - began);
        }
      };
    };
    wrap('due (look at the store)', store.timers, 'due');
    wrap('claim (lease update)', store.timers, 'claim');
    wrap('read instance', store.instances, 'get');
    wrap('read tasks/timers/subs', store.instances, 'tasksOfInstance');
    wrap('read tasks/timers/subs', store.instances, 'timersOfInstance');
    wrap('read tasks/timers/subs', store.instances, 'subscriptionsOfInstance');
    wrap('definition (compiled, cached)', runtime.definitions, 'compile');
    wrap('engine recover + run + getState', runtime.context.engine, 'run');
    wrap('save (one transaction, FULL)', store.instances, 'save');
    const began = performance.now();
    const fired = await runtime.scheduler.runDue();
    const total = performance.now() - began;
    return { fired, total, spent };
  } finally {
    await store.close();
  }
}

// ------------------------------------------------------------------ profiles

/** Self time per function in the main threads' profiles (CPU.<date>.<time>.<pid>.<thread>.<n>;
 * tsx's loader thread writes one too), idle left out: the top entries. */
function topOfProfile(dir: string, top = 15): string[] {
  const files = profilesIn(dir).filter((file) => /\.\d+\.0\.\d+\.cpuprofile$/.test(file));
  if (!files.length) return ['(no profile written)'];
  return hotFunctions(files, top).map((hot) => `${hot.selfMs.toFixed(0).padStart(7)} ms ${(hot.share * 100).toFixed(1).padStart(5)}%  ${hot.name}`);
}

// ------------------------------------------------------------------ the run

interface Dirs {
  root: string;
  dataDir: string;
  processesDir: string;
}

const profileDir = (dirs: Dirs, phase: string) => (profile ? path.join(dirs.root, `profile-${phase}`) : undefined);

/** One server on all waiting instances: start, RSS after warm-up queries, the inbox
 * sequential and under load, RSS after. */
async function inboxPhase(dirs: Dirs, options: StartOptions) {
  const server = await startServer(dirs.dataDir, dirs.processesDir, options);
  try {
    const token = await signIn(server.url, USER);
    const first = await inboxOnce(server.url, token);
    for (let i = 1; i < 20; i++) await inboxOnce(server.url, token);
    const rss = await memoryOf(server);
    const cpuBefore = cpuMsOf(server.child.pid!);
    const sequential = await sequentialInbox(server.url, token, SEQUENTIAL_QUERIES);
    // Server CPU per query: unlike the latencies, hardly moved by other work on the machine.
    const cpuPerQuery = (cpuMsOf(server.child.pid!) - cpuBefore) / SEQUENTIAL_QUERIES;
    const cannon = await cannonInbox(server.url, token);
    return { server, token, first, rss, sequential, cpuPerQuery, cannon, afterLoad: await memoryOf(server) };
  } catch (err) {
    await stopServer(server);
    throw err;
  }
}

function printInbox(label: string, phase: Awaited<ReturnType<typeof inboxPhase>>) {
  console.log(`inbox ${INBOX_QUERY} as ${USER}, ${label}: ${phase.first.count} of ${WAITING} open tasks of ${GROUP} (target p95 < 20 ms)`);
  console.log(`  first query ${ms(phase.first.ms)}; ${SEQUENTIAL_QUERIES} sequential: ${spread(phase.sequential)}: ${verdict(percentile(phase.sequential, 95) < 20)}; ` +
    `server CPU ${ms(phase.cpuPerQuery)} per query`);
  const { cannon } = phase;
  console.log(`  autocannon 10 connections, ${CANNON_SECONDS} s: ${cannon.rps.toFixed(0)} req/s, ${spread(cannon.sorted)}${cannon.non2xx ? `, ${cannon.non2xx} failed` : ''}`);
  console.log(`  server RSS ${mb(phase.rss.rss)} (anon ${mb(phase.rss.anon)}) after 20 queries, ${mb(phase.afterLoad.rss)} (anon ${mb(phase.afterLoad.anon)}) after the load`);
}

/** Clones whose timer (store record and engine state) is overdue, fired by a fresh start. */
async function timerPhase(dirs: Dirs, from: Template, first: number, options: StartOptions) {
  await seed(dirs.dataDir, from, TIMERS, first, new Date(Date.now() - 60_000).toISOString());
  const db = new Database(path.join(dirs.dataDir, 'samenspel.db'), { readonly: true });
  try {
    const before = timerCounts(db);
    const began = performance.now();
    const server = await startServer(dirs.dataDir, dirs.processesDir, options);
    let counts = timerCounts(db);
    while (counts.pendingTimers > 0 && performance.now() - began < 600_000) {
      await sleep(50);
      counts = timerCounts(db);
    }
    const allFired = performance.now() - began;
    const cpuMs = cpuMsOf(server.child.pid!) - server.startCpuMs;
    const openAfter = (db.prepare(`SELECT count(*) AS n FROM tasks WHERE definition_key = 'scale-timer' AND state = 'open'`).get() as { n: number }).n;
    await stopServer(server);
    // First to last fire of this phase: the history holds the earlier phases' fires too.
    const fired = db
      .prepare(`SELECT min(at) AS first, max(at) AS last FROM (SELECT at FROM history WHERE type = 'timer-fired' ORDER BY seq DESC LIMIT ?)`)
      .get(TIMERS) as { first: string; last: string };
    const firing = Date.parse(fired.last) - Date.parse(fired.first);
    console.log(`  spawn to all fired ${ms(allFired)} (start-up ${ms(server.startMs)}); first to last fire ${ms(firing)}: ` +
      `${(TIMERS / (firing / 1000)).toFixed(0)} timers/s, ${(firing / TIMERS).toFixed(2)} ms per fire (server CPU ${(cpuMs / TIMERS).toFixed(2)} ms per fire): ${verdict(allFired < 10_000)}`);
    console.log(`  fired ${counts.fired - before.fired}, still pending ${counts.pendingTimers}, open tasks after their timer ${openAfter} (expected ${first + TIMERS})`);
    if (options.profileDir) for (const line of topOfProfile(options.profileDir)) console.log(`    ${line}`);
  } finally {
    db.close();
  }
}

async function main() {
  const root = await mkdtemp(path.join(os.tmpdir(), 'samenspel-scale-'));
  const dirs: Dirs = { root, dataDir: path.join(root, 'data'), processesDir: path.join(root, 'processes') };
  try {
    await mkdir(dirs.processesDir, { recursive: true });
    for (const [name, xml] of Object.entries(PROCESSES)) await writeFile(path.join(dirs.processesDir, name), xml);
    console.log(`scale benchmark${quick ? ' (--quick)' : ''}: ${WAITING} waiting instances, ${TIMERS} timers due at once; one server process (SAMENSPEL_WORKERS=1) unless said`);

    const parts = await startupParts();
    const { inbox, timer } = await prepare(dirs.dataDir, dirs.processesDir);
    const cloned = await seed(dirs.dataDir, inbox, WAITING_LOW - 1, 0);

    // 1,000 waiting: start-up and RSS as the baseline.
    let server = await startServer(dirs.dataDir, dirs.processesDir);
    const token = await signIn(server.url, USER);
    for (let i = 0; i < 20; i++) await inboxOnce(server.url, token);
    const low = await memoryOf(server);
    await stopServer(server);
    const lowStart = server;

    cloned.push(...(await seed(dirs.dataDir, inbox, WAITING - WAITING_LOW, WAITING_LOW)));

    // All waiting: start-up (three starts, the median) through tsx, bundled, and as a cluster.
    const starts: Server[] = [];
    const bundledStarts: Server[] = [];
    const bundle = await bundledEntry();
    for (let i = 0; i < 3; i++) {
      starts.push(await startServer(dirs.dataDir, dirs.processesDir));
      await stopServer(starts[i]);
      bundledStarts.push(await startServer(dirs.dataDir, dirs.processesDir, { entry: bundle }));
      await stopServer(bundledStarts[i]);
    }
    const clusterStart = await startServer(dirs.dataDir, dirs.processesDir, { workers: 'default' });
    await stopServer(clusterStart);

    const single = await inboxPhase(dirs, { profileDir: profileDir(dirs, 'inbox') });
    const proof = [cloned[1], cloned[Math.floor(cloned.length / 2)], cloned[cloned.length - 1]];
    await completeClones(single.server.url, single.token, proof);
    await stopServer(single.server);
    const cluster = await inboxPhase(dirs, { workers: 'default' });
    await stopServer(cluster.server);

    const figures = (list: Server[]) => `${list.map((start) => `${ms(start.startMs)} (${ms(start.startCpuMs)})`).join(', ')}`;
    const startMedian = median(starts.map((start) => start.startMs));
    const cpuMedian = median(starts.map((start) => start.startCpuMs));
    const bundledMedian = median(bundledStarts.map((start) => start.startMs));
    console.log(`start-up, spawn to the first 200 of GET /api/health (target < 2000 ms); wall (CPU of the server's processes)`);
    console.log(`  tsx, ${WAITING_LOW} waiting: ${figures([lowStart])}; ${WAITING} waiting: ${figures(starts)} -> median ${ms(startMedian)}: ${verdict(startMedian < 2000)}`);
    console.log(`  of which node + tsx alone ${ms(parts.tsx.wall)} (CPU ${ms(parts.tsx.cpu)}), + importing src/server.ts ${ms(parts.imports.wall)} (CPU ${ms(parts.imports.cpu)});`);
    // Walls of separate runs differ by more than this part on a busy machine: CPU only.
    console.log(`  so startServer (store, deploy check, users, app, listen) and the first answer: CPU ${ms(cpuMedian - parts.imports.cpu)}`);
    console.log(`  bundled by esbuild (no tsx): ${figures(bundledStarts)} -> median ${ms(bundledMedian)}: ${verdict(bundledMedian < 2000)}`);
    console.log(`  tsx, default SAMENSPEL_WORKERS (${os.availableParallelism()} workers + primary): ${figures([clusterStart])}`);
    console.log(`  (machine load average now: ${os.loadavg().map((load) => load.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs)`);
    console.log(`server RSS after 20 inbox queries (target: no growth beyond SQLite's page cache, 2 MiB by default per connection)`);
    console.log(`  ${WAITING_LOW} waiting: rss ${mb(low.rss)} (anon ${mb(low.anon)}, file ${mb(low.file)})`);
    const high = single.rss;
    console.log(`  ${WAITING} waiting: rss ${mb(high.rss)} (anon ${mb(high.anon)}, file ${mb(high.file)}); growth ${mb(high.rss - low.rss)} (anon ${mb(high.anon - low.anon)})`);
    console.log(`  V8 heap in use ${mb(low.heap)} -> ${mb(high.heap)}, external ${mb(low.external)} -> ${mb(high.external)}: ` +
      `native growth beyond them ${mb(high.anon - low.anon - (high.heap - low.heap) - (high.external - low.external))}`);
    printInbox('one process', single);
    console.log(`  cloned tasks completed through the API (their instances completed): ${proof.length}`);
    if (profile) for (const line of topOfProfile(profileDir(dirs, 'inbox')!)) console.log(`    ${line}`);
    printInbox(`default SAMENSPEL_WORKERS (${os.availableParallelism()})`, cluster);

    console.log(`timers: ${TIMERS} due at once (target: all fired within 10 s), one process`);
    await timerPhase(dirs, timer, 0, { profileDir: profileDir(dirs, 'timers') });
    console.log(`timers: ${TIMERS} due at once, default SAMENSPEL_WORKERS (${os.availableParallelism()})`);
    await timerPhase(dirs, timer, TIMERS, { workers: 'default' });

    // One timer at a time, then the scheduler's default lanes: with several in flight the
    // parts overlap, so they add up to more than the time per fire.
    for (const [n, concurrency] of [1, 8].entries()) {
      await seed(dirs.dataDir, timer, BREAKDOWN_TIMERS, (2 + n) * TIMERS, new Date(Date.now() - 60_000).toISOString());
      const breakdown = await timerBreakdown(dirs.dataDir, concurrency);
      const perFire = breakdown.total / breakdown.fired;
      console.log(`timer fire breakdown in this process, ${concurrency} in flight (${breakdown.fired} fires, ${perFire.toFixed(2)} ms per fire, ${(1000 / perFire).toFixed(0)} timers/s):`);
      let accounted = 0;
      for (const [label, spentMs] of breakdown.spent) {
        accounted += spentMs;
        console.log(`  ${label.padEnd(34)} ${(spentMs / breakdown.fired).toFixed(3)} ms`);
      }
      if (concurrency === 1) console.log(`  ${'the rest (locks, write building)'.padEnd(34)} ${((breakdown.total - accounted) / breakdown.fired).toFixed(3)} ms`);
    }
  } finally {
    if (keep) console.log(`kept ${root}`);
    else await rm(root, { recursive: true, force: true });
  }
}

await main();
