/**
 * npm run bench:workers [-- --quick] [-- --seconds N] [-- --concurrency N] [-- --rounds N]
 *                       [-- --shared-pool] [-- --sync normal] [-- --wait-quiet MINUTES]
 *                       [-- --node-args "--single-threaded-gc"] [-- --threads]
 *
 * Flows per second through the HTTP API with SAMENSPEL_WORKERS=1 and =2, in the same run, on
 * the same machine: start a case -> look up its task -> complete it (start -> user task ->
 * end), `concurrency` flows in flight. The real server (src/main.ts, embedded SQLite with its
 * default synchronous=FULL) is a child process with a fresh data directory per measurement.
 *
 * The load generator here is kept lean (node:http, keep-alive, no parsing beyond what the
 * next request needs) so that it leaves the cores to the server; its own CPU time is printed,
 * and so is the server's (primary and workers, from /proc), in cores busy on average.
 *
 * Each client loop keeps its own connection (as a browser does), so a case's start and its
 * completion reach the same worker and find its engine in that worker's cache;
 * `--shared-pool` lets every request take any free connection instead, to see what round
 * robin without that affinity costs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import os from 'node:os';
import { kill, makeDirs, NS, signIn, sleep, startChild, type ChildServer } from '../test/faults/child-server.js';
import { cpuMeter, machineBusySeconds, serverPids } from './server-process.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const sharedPool = args.includes('--shared-pool');
const SECONDS = numberOption('--seconds') ?? (quick ? 4 : 12);
const WARMUP_SECONDS = quick ? 2 : 4;
const CONCURRENCY = numberOption('--concurrency') ?? 24;
const ROUNDS = numberOption('--rounds') ?? (quick ? 1 : 2);
const SYNC = stringOption('--sync') ?? 'full';
/** Before each measurement, wait (up to this many minutes) until the machine is nearly idle. */
const WAIT_QUIET_MINUTES = numberOption('--wait-quiet');
/** Flags for the server's node (the primary passes them on to its workers). */
const NODE_ARGS = (stringOption('--node-args') ?? '').split(' ').filter(Boolean);
/** Also print the server's CPU per kind of thread (main, GC helpers, libuv pool, ...). */
const THREADS = args.includes('--threads');
const KEY = 'workers-bench';
const TARGET_RATIO = 1.8;

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Defs_workers_bench" targetNamespace="http://samenspel.test" modeler:executionPlatform="Camunda Cloud">
  <bpmn:process id="${KEY}" name="Werkers-benchmark" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="samenspel.starterGroups" value="vt-triage" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="start" name="Start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="taak" />
    <bpmn:userTask id="taak" name="Afhandelen"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="vt-triage" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="taak" targetRef="end" />
    <bpmn:endEvent id="end" name="Klaar" />
  </bpmn:process>
</bpmn:definitions>
`;

function option(name: string): string | undefined {
  const at = args.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
  if (at < 0) return undefined;
  return args[at].includes('=') ? args[at].split('=')[1] : args[at + 1];
}

function numberOption(name: string): number | undefined {
  const text = option(name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} needs a positive whole number, got "${text}"`);
  return value;
}

function stringOption(name: string): string | undefined {
  return option(name);
}

interface Reply {
  status: number;
  body: string;
  node: string;
}

/** One request on the given agent; the body is kept as text (parsed only where needed). */
function call(agent: Agent, url: string, token: string, method: string, urlPath: string, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${urlPath}`, {
      method,
      agent,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
      },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: text, node: String(res.headers['x-samenspel-node']) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function expectStatus(reply: Reply, status: number, what: string): void {
  if (reply.status !== status) throw new Error(`${what}: ${reply.status} ${reply.body.slice(0, 300)}`);
}

/** CPU seconds per kind of thread (the main thread, or the thread's name) over the server's processes. */
function threadCpuSeconds(serverPid: number): Map<string, number> {
  const into = new Map<string, number>();
  for (const pid of serverPids(serverPid)) {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const kind = tid === String(pid) ? 'main thread' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).trim();
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        into.set(kind, (into.get(kind) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100);
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return into;
}

interface Measurement {
  workers: number;
  flowsPerSecond: number;
  flows: number;
  errors: number;
  /** Load generator CPU over the window, in cores (1.0 = one core busy all the time). */
  benchCores: number;
  serverCores: number;
  /** Everything else on the machine meanwhile (other processes), in cores. */
  otherCores: number;
  /** Server CPU per kind of thread, in cores (with --threads). */
  threads: Map<string, number>;
  /** Flows whose completion went to another worker than their start (engine cache miss there). */
  crossWorkerShare: number;
  nodes: number;
}

/**
 * On a shared machine other processes take the cores that a second worker needs: waits until
 * the machine was nearly idle (below 0.25 cores busy) for 3 s, or gives up after `minutes`.
 */
async function waitQuiet(minutes: number): Promise<void> {
  const until = Date.now() + minutes * 60_000;
  for (;;) {
    const before = machineBusySeconds();
    await sleep(3000);
    const busy = (machineBusySeconds() - before) / 3;
    if (busy < 0.25) return;
    if (Date.now() > until) {
      console.log(`  (the machine stayed busy: ${busy.toFixed(2)} cores used by others; measuring anyway)`);
      return;
    }
  }
}

async function measure(workers: number): Promise<Measurement> {
  if (WAIT_QUIET_MINUTES !== undefined) await waitQuiet(WAIT_QUIET_MINUTES);
  const dirs = await makeDirs({ [`${KEY}.bpmn`]: XML });
  let server: ChildServer | null = null;
  try {
    server = await startChild({
      SAMENSPEL_WORKERS: String(workers),
      SAMENSPEL_DATA_DIR: dirs.dataDir,
      SAMENSPEL_PROCESSES_DIR: dirs.processesDir,
      SAMENSPEL_SQLITE_SYNC: SYNC,
      // One log line per request would cost the server (and this process, which reads them).
      SAMENSPEL_LOG_LEVEL: 'warn',
    }, { nodeArgs: NODE_ARGS });
    const url = server.url;
    const token = await signIn(url, 'vt-triagist');
    const shared = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const agents = Array.from({ length: CONCURRENCY }, () => (sharedPool ? shared : new Agent({ keepAlive: true, maxSockets: 1 })));
    const startBody = JSON.stringify({ definitionKey: KEY });
    const completeBody = JSON.stringify({ variables: {} });

    let counting = false;
    let stop = false;
    let flows = 0;
    let crossWorker = 0;
    let errors = 0;
    const nodes = new Set<string>();
    const flow = async (agent: Agent) => {
      const started = await call(agent, url, token, 'POST', '/api/instances', startBody);
      expectStatus(started, 201, 'start');
      const instanceId = (JSON.parse(started.body) as { id: string }).id;
      const tasks = await call(agent, url, token, 'GET', `/api/tasks?instanceId=${instanceId}&limit=1`);
      expectStatus(tasks, 200, 'task lookup');
      const taskId = (JSON.parse(tasks.body) as { items: { id: string }[] }).items[0].id;
      const completed = await call(agent, url, token, 'POST', `/api/tasks/${taskId}/complete`, completeBody);
      expectStatus(completed, 200, 'complete');
      if (counting) {
        flows++;
        nodes.add(started.node);
        if (completed.node !== started.node) crossWorker++;
      }
    };
    const loops = agents.map(async (agent) => {
      while (!stop) {
        try {
          await flow(agent);
        } catch (err) {
          errors++;
          if (errors <= 3) console.error(`  flow failed: ${(err as Error).message}`);
          if (errors > 50) throw err;
        }
      }
    });

    await sleep(WARMUP_SECONDS * 1000);
    const cpu = cpuMeter(server.child.pid!);
    const threadsBefore = THREADS ? threadCpuSeconds(server.child.pid!) : new Map<string, number>();
    const began = performance.now();
    counting = true;
    await sleep(SECONDS * 1000);
    counting = false;
    const seconds = (performance.now() - began) / 1000;
    const share = cpu();
    const threads = new Map<string, number>();
    if (THREADS) for (const [kind, cpuSeconds] of threadCpuSeconds(server.child.pid!)) threads.set(kind, (cpuSeconds - (threadsBefore.get(kind) ?? 0)) / seconds);
    stop = true;
    await Promise.all(loops);
    for (const agent of new Set(agents)) agent.destroy();
    return {
      workers,
      flows,
      flowsPerSecond: flows / seconds,
      errors,
      benchCores: share.bench,
      serverCores: share.server,
      otherCores: share.other,
      threads,
      crossWorkerShare: flows === 0 ? 0 : crossWorker / flows,
      nodes: nodes.size,
    };
  } finally {
    if (server) await kill(server);
    await rm(dirs.root, { recursive: true, force: true });
  }
}

function line(m: Measurement): string {
  const threads = [...m.threads].filter(([, cores]) => cores >= 0.01).sort((a, b) => b[1] - a[1]);
  return (
    `  ${m.workers} worker${m.workers === 1 ? ' ' : 's'}: ${m.flowsPerSecond.toFixed(1).padStart(6)} flows/s` +
    ` (${m.flows} flows, ${m.errors} errors; served by ${m.nodes} node${m.nodes === 1 ? '' : 's'},` +
    ` ${(m.crossWorkerShare * 100).toFixed(0)}% completed on another worker than started)` +
    ` | ${(m.serverCores > 0 ? m.flowsPerSecond / m.serverCores : 0).toFixed(0)} flows per server CPU-second` +
    ` | CPU in cores: server ${m.serverCores.toFixed(2)}, load generator ${m.benchCores.toFixed(2)}, other processes ${m.otherCores.toFixed(2)}` +
    (threads.length ? `\n      server threads: ${threads.map(([kind, cores]) => `${kind} ${cores.toFixed(2)}`).join(', ')}` : '')
  );
}

async function main(): Promise<void> {
  console.log(
    `workers benchmark: ${os.availableParallelism()} cores, ${CONCURRENCY} flows in flight, ${SECONDS} s per measurement` +
      ` after ${WARMUP_SECONDS} s warm-up, synchronous=${SYNC.toUpperCase()}, ${sharedPool ? 'shared connection pool' : 'one connection per client loop'}` +
      (NODE_ARGS.length ? `, node ${NODE_ARGS.join(' ')}` : ''),
  );
  const ratios: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`round ${round} of ${ROUNDS}`);
    const one = await measure(1);
    console.log(line(one));
    const two = await measure(2);
    console.log(line(two));
    const ratio = two.flowsPerSecond / one.flowsPerSecond;
    ratios.push(ratio);
    console.log(`  ratio 2 workers / 1 worker: ${ratio.toFixed(2)}x (target >= ${TARGET_RATIO}x)`);
  }
  const best = Math.max(...ratios);
  console.log(`ratios: ${ratios.map((r) => `${r.toFixed(2)}x`).join(', ')}; best ${best.toFixed(2)}x ${best >= TARGET_RATIO ? 'meets' : 'misses'} the target of ${TARGET_RATIO}x`);
}

await main();
