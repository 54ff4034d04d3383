/**
 * Several Samenspel nodes on one MongoDB database (MONGODB_URI when set, else jongodb): two
 * real server processes (src/main.ts through tsx), each with its own port, polling timers
 * every 100 ms with 3 s leases.
 *
 * - 200 instances each wait for a 2 s timer: every timer fires exactly once;
 * - every resulting task is completed through both nodes at the same moment: exactly one
 *   completion succeeds, the other answers 409;
 * - a node killed (SIGKILL) while it holds timer leases (its timers call a slow webhook):
 *   the other node fires those timers once the leases expire, each exactly once;
 * - a node stopped with SIGTERM finishes the timer it is firing, takes no other, exits
 *   cleanly and leaves no lease behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { openMongoStore } from '../../src/store/mongo/mongo-store.js';
import type { Store } from '../../src/store/port.js';
import { NS, timerThenTaskXml } from '../support/bpmn-fixtures.js';
import { dropTestDatabase, freePort, testMongoUri, uniqueDatabaseUri } from '../support/jongodb.js';
import { eventually, inParallel, sleep, whileProgressing } from '../support/waiting.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** start -> wait 2 s -> task for vt-triage -> end. */
const TIMER_XML = timerThenTaskXml('mn-timer', 'Twee knopen: timer', 'PT2S');

/** start -> wait 1 s -> slow webhook -> end: a node holds the timer's lease during the call. */
const SLOW_XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Defs_mn_slow" targetNamespace="http://samenspel.test" modeler:executionPlatform="Camunda Cloud">
  <bpmn:process id="mn-slow" name="Twee knopen: trage aanroep" isExecutable="true">
    <bpmn:startEvent id="start" name="Start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wacht" />
    <bpmn:intermediateCatchEvent id="wacht" name="Een seconde"><bpmn:timerEventDefinition id="ted1"><bpmn:timeDuration>PT1S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wacht" targetRef="bel" />
    <bpmn:serviceTask id="bel" name="Traag systeem">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="webhook" />
        <zeebe:taskHeaders><zeebe:header key="organisation" value="traag" /></zeebe:taskHeaders>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="bel" targetRef="end" />
    <bpmn:endEvent id="end" name="Klaar" />
  </bpmn:process>
</bpmn:definitions>
`;

const TIMER_INSTANCES = 200;
const SLOW_INSTANCES = 6;
const SLOW_CALL_MS = 1200;
const LEASE_MS = 3000;

interface Node {
  name: string;
  url: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startNode(name: string, env: Record<string, string>): Promise<Node> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    // One process per node: these nodes are the ones that share the database.
    env: { ...process.env, SAMENSPEL_WORKERS: '1', ...env, PORT: String(port), HOST: '127.0.0.1', SAMENSPEL_NODE_ID: name },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const node = { name, url: `http://127.0.0.1:${port}`, child, output, exited };
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited at start:\n${output.join('')}`);
    const health = await fetch(`${node.url}/api/health`).catch(() => null);
    if (health?.status === 200) return node;
    if (Date.now() > until) throw new Error(`${name} did not answer in time:\n${output.join('')}`);
    await sleep(100);
  }
}

async function signIn(node: Node, user: string): Promise<string> {
  const answer = await fetch(`${node.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user, password: user }),
  });
  if (answer.status !== 200) throw new Error(`sign-in of ${user} at ${node.name}: ${answer.status} ${await answer.text()}`);
  return ((await answer.json()) as { token: string }).token;
}

async function post(node: Node, token: string, urlPath: string, body: unknown): Promise<{ status: number; body: any }> {
  const answer = await fetch(`${node.url}${urlPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await answer.text();
  return { status: answer.status, body: text ? JSON.parse(text) : undefined };
}

describe('several nodes on one MongoDB database', function () {
  this.timeout(300_000);
  let dir: string;
  let uri: string;
  let store: Store;
  /** A plain connection for cheap counts while waiting (not part of what is tested). */
  let raw: mongoose.Connection;
  let slowServer: Server;
  let slowCalls = 0;
  const nodes: Node[] = [];

  before(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), 'samenspel-nodes-'));
    await writeFile(path.join(dir, 'mn-timer.bpmn'), TIMER_XML);
    await writeFile(path.join(dir, 'mn-slow.bpmn'), SLOW_XML);
    slowServer = createServer((req, res) => {
      slowCalls++;
      req.resume();
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), SLOW_CALL_MS);
    });
    await new Promise<void>((resolve) => slowServer.listen(0, '127.0.0.1', resolve));
    uri = uniqueDatabaseUri(await testMongoUri(), 'samenspel_nodes');
    const env = {
      MONGODB_URI: uri,
      SAMENSPEL_PROCESSES_DIR: dir,
      SAMENSPEL_DATA_DIR: path.join(dir, 'data'),
      SAMENSPEL_TIMER_POLL_MS: '100',
      SAMENSPEL_TIMER_LEASE_MS: String(LEASE_MS),
      SAMENSPEL_LOG_LEVEL: 'warn',
      SAMENSPEL_WEBHOOKS: JSON.stringify({
        traag: { url: `http://127.0.0.1:${(slowServer.address() as AddressInfo).port}/hook`, secret: 'two-nodes-secret-0123456789' },
      }),
      SAMENSPEL_WEBHOOK_TIMEOUT_MS: '10000',
    };
    // Both start at once: they race for the deploy of the processes folder and the demo users.
    nodes.push(...(await Promise.all([startNode('node-a', env), startNode('node-b', env)])));
    store = await openMongoStore({ uri });
    raw = await mongoose.createConnection(uri).asPromise();
  });

  after(async function () {
    for (const node of nodes) if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGKILL');
    await Promise.all(nodes.map((node) => node.exited));
    await store?.close();
    await raw?.close();
    if (uri) await dropTestDatabase(uri);
    await new Promise<void>((resolve) => slowServer?.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') {
      for (const node of nodes) console.log(`--- ${node.name}\n${node.output.join('').slice(-4000)}`);
    }
  });

  const timerInstances: string[] = [];

  it('should deploy the processes folder once although both nodes started together', async function () {
    expect((await store.definitions.listLatest()).map((d) => [d.key, d.latestVersion])).to.deep.equal([
      ['mn-slow', 1],
      ['mn-timer', 1],
    ]);
  });

  it(`should fire each of ${TIMER_INSTANCES} timers exactly once between two nodes`, async function () {
    const [a, b] = nodes;
    const tokens = [await signIn(a, 'admin'), await signIn(b, 'admin')];
    const started = Date.now();
    const ids = await inParallel(Array.from({ length: TIMER_INSTANCES }), 16, async (_, i) => {
      const answer = await post(nodes[i % 2], tokens[i % 2], '/api/instances', { definitionKey: 'mn-timer', businessKey: `MN-${i}` });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      return answer.body.id as string;
    });
    timerInstances.push(...ids);
    const startMs = Date.now() - started;

    const firings = () => raw.db!.collection('history').countDocuments({ type: 'timer-fired' });
    await whileProgressing('every timer fired', firings, TIMER_INSTANCES, 20_000, async () => {
      const left = await raw.db!.collection('timers').find({}).limit(5).toArray();
      const logs = nodes.map((node) => `--- ${node.name}\n${node.output.join('').slice(-1500)}`).join('\n');
      return `timers left (first 5): ${JSON.stringify(left)}\n${logs}`;
    });
    const allFiredMs = Date.now() - started;
    await sleep(500); // a second firing would show up by now

    const counts = await inParallel(ids, 8, async (id) => (await store.instances.history(id)).filter((e) => e.type === 'timer-fired').length);
    expect(counts.filter((n) => n !== 1)).to.deep.equal([]);
    expect(await firings()).to.equal(TIMER_INSTANCES);
    expect(await store.timers.due(new Date(Date.now() + 60_000).toISOString(), 10)).to.deep.equal([]);
    console.log(`      ${TIMER_INSTANCES} instances started in ${startMs} ms; all timers fired ${allFiredMs} ms after the first start`);
  });

  it('should give exactly one success per task when both nodes complete it at once', async function () {
    const [a, b] = nodes;
    const tokens = [await signIn(a, 'vt-triagist'), await signIn(b, 'vt-triagist')];
    const tasks = await inParallel(timerInstances, 16, async (id) => {
      const open = (await store.instances.tasksOfInstance(id)).filter((task) => task.state === 'open');
      expect(open).to.have.length(1);
      return open[0].id;
    });

    const started = Date.now();
    const outcomes = await inParallel(tasks, 16, async (taskId) => {
      const answers = await Promise.all([
        post(a, tokens[0], `/api/tasks/${taskId}/complete`, { variables: {} }),
        post(b, tokens[1], `/api/tasks/${taskId}/complete`, { variables: {} }),
      ]);
      return answers.map((answer) => answer.status).sort();
    });
    const ms = Date.now() - started;

    const unexpected = outcomes.filter((statuses) => statuses[0] !== 200 || statuses[1] !== 409);
    expect(unexpected, JSON.stringify(unexpected.slice(0, 5))).to.deep.equal([]);
    for (const id of timerInstances.slice(0, 20)) {
      const history = await store.instances.history(id);
      expect(history.filter((e) => e.type === 'task-completed')).to.have.length(1);
      expect((await store.instances.get(id))?.status).to.equal('completed');
    }
    console.log(`      ${tasks.length} tasks completed through both nodes at once in ${ms} ms: ${tasks.length} x (200, 409)`);
  });

  it('should fire the timers of a node killed while it holds their leases, through the other node, once each', async function () {
    const [a, b] = nodes;
    const token = await signIn(a, 'admin');
    const ids: string[] = [];
    for (let i = 0; i < SLOW_INSTANCES; i++) {
      const answer = await post(a, token, '/api/instances', { definitionKey: 'mn-slow', businessKey: `SLOW-${i}` });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      ids.push(answer.body.id);
    }

    // Wait until node-b holds a live lease (it is inside the slow call), then kill it.
    let held: { instanceId: string; timerId: string; leaseUntil: string } | null = null;
    await eventually(
      'node-b holds a lease',
      async () => {
        for (const id of ids) {
          const [timer] = await store.instances.timersOfInstance(id);
          if (timer?.leaseOwner === 'node-b' && Date.parse(timer.leaseUntil!) > Date.now()) held = { instanceId: id, timerId: timer.id, leaseUntil: timer.leaseUntil! };
        }
        return held !== null;
      },
      15_000,
    );
    b.child.kill('SIGKILL');
    const killedAt = Date.now();
    expect((await b.exited).signal).to.equal('SIGKILL');

    await eventually(
      'every slow instance completed',
      async () => (await Promise.all(ids.map((id) => store.instances.get(id)))).every((instance) => instance?.status === 'completed'),
      40_000,
    );
    const recoveredMs = Date.now() - killedAt;

    for (const id of ids) {
      const history = await store.instances.history(id);
      expect(history.filter((e) => e.type === 'timer-fired'), id).to.have.length(1);
      expect(await store.instances.timersOfInstance(id)).to.deep.equal([]);
    }
    const heldHistory = await store.instances.history(held!.instanceId);
    const firedAt = Date.parse(heldHistory.find((e) => e.type === 'timer-fired')!.at);
    // node-a could take the dead node's timer only once its lease (3 s) had run out.
    expect(firedAt).to.be.at.least(Date.parse(held!.leaseUntil));
    expect(slowCalls).to.be.at.least(SLOW_INSTANCES); // the killed node's call (if it got that far) was made again
    console.log(`      node-b killed holding the lease of ${held!.timerId}; node-a fired it and finished all ${SLOW_INSTANCES} in ${recoveredMs} ms`);
  });

  it('should stop a node on SIGTERM: the running fire finishes, no further timer is taken, no lease is left', async function () {
    const [a] = nodes;
    const token = await signIn(a, 'admin');
    const startCase = async (businessKey: string) => {
      const answer = await post(a, token, '/api/instances', { definitionKey: 'mn-slow', businessKey });
      expect(answer.status).to.equal(201);
      return answer.body.id as string;
    };
    const busyWith = await startCase('TERM-0');
    await eventually(
      'node-a is firing a timer',
      async () => {
        const [timer] = await store.instances.timersOfInstance(busyWith);
        return timer?.leaseOwner === 'node-a' && Date.parse(timer.leaseUntil!) > Date.now();
      },
      15_000,
    );
    // While it is inside the slow call (1.2 s), two more timers are set; they fall due (1 s)
    // while the node is stopping, and a stopping node must leave them to others.
    const later = [await startCase('TERM-1'), await startCase('TERM-2')];

    a.child.kill('SIGTERM');
    const exit = await a.exited;

    expect(exit.code).to.equal(0);
    // The command it was running finished and was saved ...
    expect((await store.instances.get(busyWith))?.status).to.equal('completed');
    // ... it took no other timer, and holds no lease.
    const left = (await Promise.all(later.map((id) => store.instances.timersOfInstance(id)))).flat();
    expect(left.map((timer) => timer.instanceId).sort()).to.deep.equal([...later].sort());
    expect(left.filter((timer) => timer.leaseOwner !== null)).to.deep.equal([]);
  });
});
