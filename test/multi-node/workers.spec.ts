/**
 * SAMENSPEL_WORKERS=2: one real server (src/main.ts) that runs as a cluster primary with two
 * worker processes on one port and one SQLite file. The workers are nodes of their own
 * (`<id>-w1`, `<id>-w2`) and coordinate only through the store, like nodes on MongoDB do.
 *
 * - new connections are served by both workers (each answer names its node in X-Samenspel-Node);
 * - the processes folder is deployed once, by the primary;
 * - 100 timers fire exactly once each between the two workers' schedulers;
 * - one task completed through many connections at once: exactly one 200, the rest 409;
 * - /metrics counts for the node as a whole, whichever worker answers;
 * - a worker killed with SIGKILL is started again by the primary, and the service keeps answering;
 * - SIGTERM to the primary stops both workers and exits with code 0.
 */
import { request } from 'node:http';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import type { Store } from '../../src/store/port.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { makeDirs, signIn, startChild, type ChildServer } from '../faults/child-server.js';
import { timerThenTaskXml } from '../support/bpmn-fixtures.js';
import { eventually, inParallel, sleep, whileProgressing } from '../support/waiting.js';

const TIMERS = 100;
const TASKS_RACED = 20;
const RACERS_PER_TASK = 8;

interface Answer {
  status: number;
  node: string;
  body: any;
}

/**
 * One request on a connection of its own (no keep-alive): the primary hands every new
 * connection to the next worker, so a series of these reaches all of them.
 */
function onNewConnection(url: string, method: string, urlPath: string, token?: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(`${url}${urlPath}`, {
      method,
      agent: false,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
      },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode!, node: String(res.headers['x-samenspel-node']), body: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** The primary's log lines with this message (pino JSON, one per line). */
function logged(server: ChildServer, msg: string): any[] {
  return server.output
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.msg === msg || String(entry.msg).startsWith(msg));
}

/** The node ids that answer /api/health over `tries` new connections. */
async function nodesAnswering(url: string, tries: number): Promise<Set<string>> {
  const answers = await inParallel(Array.from({ length: tries }), 4, () => onNewConnection(url, 'GET', '/api/health'));
  expect(answers.map((answer) => answer.status)).to.deep.equal(answers.map(() => 200));
  return new Set(answers.map((answer) => answer.node));
}

describe('several workers on one SQLite store (SAMENSPEL_WORKERS=2)', function () {
  this.timeout(180_000);
  let dirs: Awaited<ReturnType<typeof makeDirs>>;
  let server: ChildServer;
  let store: Store;
  const instances: string[] = [];

  before(async function () {
    dirs = await makeDirs({ 'w-timer.bpmn': timerThenTaskXml('w-timer', 'Werkers: timer', 'PT1S') });
    server = await startChild({
      SAMENSPEL_WORKERS: '2',
      SAMENSPEL_DATA_DIR: dirs.dataDir,
      SAMENSPEL_PROCESSES_DIR: dirs.processesDir,
      SAMENSPEL_TIMER_POLL_MS: '100',
      SAMENSPEL_TIMER_LEASE_MS: '3000',
      // The primary's lines about its workers (and the one deploy) are at info.
      SAMENSPEL_LOG_LEVEL: 'info',
    }, { waitHealthy: false });
    // Three processes load the server on a busy machine: wait for the primary's announcement.
    await eventually('both workers listen', async () => {
      if (server.child.exitCode !== null) throw new Error(`the server exited at start:\n${server.output.join('')}`);
      return logged(server, 'Samenspel listens on').length === 1;
    }, 120_000);
    // The test reads the store beside the server (another SQLite connection, as a third process).
    store = await openSqliteStore({ file: path.join(dirs.dataDir, 'samenspel.db') });
  });

  after(async function () {
    if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    await server?.exited;
    await store?.close();
    if (dirs) await rm(dirs.root, { recursive: true, force: true });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(server.output.join('').slice(-6000));
  });

  it('should serve new connections from both workers, each answer naming its node', async function () {
    const nodes = await nodesAnswering(server.url, 12);
    expect([...nodes].map((node) => node.replace(/^.*-(w\d+)$/, '$1')).sort()).to.deep.equal(['w1', 'w2']);
    expect(logged(server, 'Samenspel listens on'), 'the URL is announced once').to.have.length(1);
  });

  it('should deploy the processes folder once, in the primary', async function () {
    expect((await store.definitions.listLatest()).map((d) => [d.key, d.latestVersion])).to.deep.equal([['w-timer', 1]]);
    expect(logged(server, 'processes directory deployed')).to.have.length(1);
    expect(logged(server, 'demo users created')).to.have.length(1);
  });

  it(`should fire each of ${TIMERS} timers exactly once between the two workers`, async function () {
    const admin = await signIn(server.url, 'admin');
    const started = await inParallel(Array.from({ length: TIMERS }), 16, async (_, i) => {
      const answer = await onNewConnection(server.url, 'POST', '/api/instances', admin, { definitionKey: 'w-timer', businessKey: `W-${i}` });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      return answer;
    });
    instances.push(...started.map((answer) => answer.body.id as string));
    expect(new Set(started.map((answer) => answer.node)).size, 'instances started through both workers').to.equal(2);

    const fired = async () => {
      const counts = await inParallel(instances, 8, async (id) => (await store.instances.history(id)).filter((e) => e.type === 'timer-fired').length);
      return counts.reduce((sum, n) => sum + n, 0);
    };
    await whileProgressing('every timer fired', fired, TIMERS, 20_000, async () => server.output.join('').slice(-3000));
    await sleep(500); // a second firing would show up by now
    const counts = await inParallel(instances, 8, async (id) => (await store.instances.history(id)).filter((e) => e.type === 'timer-fired').length);
    expect(counts.filter((n) => n !== 1)).to.deep.equal([]);
    expect(await store.timers.due(new Date(Date.now() + 60_000).toISOString(), 10)).to.deep.equal([]);
  });

  it(`should give exactly one 200 and ${RACERS_PER_TASK - 1} times 409 when ${RACERS_PER_TASK} connections complete one task at once`, async function () {
    const triagist = await signIn(server.url, 'vt-triagist');
    const tasks = await inParallel(instances.slice(0, TASKS_RACED), 8, async (id) => {
      const open = (await store.instances.tasksOfInstance(id)).filter((task) => task.state === 'open');
      expect(open).to.have.length(1);
      return open[0].id;
    });
    const nodes = new Set<string>();
    for (const taskId of tasks) {
      const answers = await Promise.all(
        Array.from({ length: RACERS_PER_TASK }, () => onNewConnection(server.url, 'POST', `/api/tasks/${taskId}/complete`, triagist, { variables: {} })),
      );
      for (const answer of answers) nodes.add(answer.node);
      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses, JSON.stringify(answers.filter((a) => a.status !== 200 && a.status !== 409))).to.deep.equal([
        200,
        ...Array.from({ length: RACERS_PER_TASK - 1 }, () => 409),
      ]);
    }
    expect(nodes.size, 'both workers took part in the races').to.equal(2);
    for (const id of instances.slice(0, TASKS_RACED)) {
      expect((await store.instances.history(id)).filter((e) => e.type === 'task-completed')).to.have.length(1);
      expect((await store.instances.get(id))?.status).to.equal('completed');
    }
  });

  it('should count in /metrics for all workers together, whichever worker answers the scrape', async function () {
    const scrapes = await inParallel(Array.from({ length: 6 }), 3, async () => {
      const answer = await new Promise<{ node: string; text: string }>((resolve, reject) => {
        request(`${server.url}/metrics`, { agent: false }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ node: String(res.headers['x-samenspel-node']), text }));
        })
          .on('error', reject)
          .end();
      });
      return answer;
    });
    expect(new Set(scrapes.map((scrape) => scrape.node)).size, 'scrapes answered by both workers').to.equal(2);
    for (const scrape of scrapes) {
      expect(scrape.text).to.include(`samenspel_instances_started_total{definition_key="w-timer"} ${TIMERS}`);
      expect(scrape.text).to.include(`samenspel_task_completions_total{definition_key="w-timer"} ${TASKS_RACED}`);
    }
  });

  it('should start a worker killed with SIGKILL again and keep answering meanwhile', async function () {
    const [victim] = logged(server, 'worker started').filter((entry) => entry.nodeId.endsWith('-w1'));
    process.kill(victim.pid, 'SIGKILL');
    await eventually('the primary saw w1 die', async () => logged(server, 'worker died').length === 1, 10_000, 50);
    const [died] = logged(server, 'worker died');
    expect(died).to.include({ nodeId: victim.nodeId, pid: victim.pid, signal: 'SIGKILL' });

    // w2 serves every new connection while the primary waits its backoff and forks a new w1.
    const during = await nodesAnswering(server.url, 6);
    expect([...during].some((node) => node.endsWith('-w2'))).to.equal(true);
    await eventually('a new w1 started', async () => logged(server, 'worker started').filter((entry) => entry.nodeId.endsWith('-w1')).length === 2, 30_000);

    await eventually('the new w1 answers', async () => (await nodesAnswering(server.url, 6)).has(victim.nodeId), 30_000, 250);
    const admin = await signIn(server.url, 'admin');
    const answer = await onNewConnection(server.url, 'POST', '/api/instances', admin, { definitionKey: 'w-timer', businessKey: 'W-AFTER' });
    expect(answer.status).to.equal(201);
  });

  it('should stop both workers and exit with code 0 on SIGTERM to the primary', async function () {
    const workers = logged(server, 'worker started').map((entry) => entry.pid as number);
    server.child.kill('SIGTERM');
    await server.exited;
    expect(server.child.exitCode).to.equal(0);
    const alive = workers.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).to.deep.equal([]);
  });
});
