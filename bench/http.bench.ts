/**
 * npm run bench:http [-- --quick] [-- --workers N] [-- --connections N] [-- --completions N] [-- --cpu-prof]
 *
 * The HTTP API under concurrent load on loopback: the real server (`node --import tsx
 * src/main.ts`, embedded SQLite store) is a child process, autocannon runs in this one.
 * 1. The case worker's inbox query (what /tasks polls) for a fixed time with 1,000 and
 *    10,000 open tasks in the store: requests/s and p50/p95/p99 latency.
 * 2. POST /api/tasks/{id}/complete on the first 2,000 of those tasks, each completed exactly
 *    once: completions/s, p50/p95/p99 latency and the non-2xx count (must be 0, else exit 1).
 * 3. The server's RSS (all its Node processes).
 * The tasks are seeded through the API too (POST /api/instances under autocannon); --cpu-prof
 * profiles the server for the whole run and prints the top functions by self time. Figures
 * only, nothing is asserted on time.
 */
import autocannon from 'autocannon';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { api, kill, makeDirs, NS, signIn, sleep, startChild, type ChildServer } from '../test/faults/child-server.js';
import { hotFunctions, profilesIn } from './cpu-profile.js';
import { cpuMeter, rssMiB, serverPids, type CpuShare } from './server-process.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const cpuProf = args.includes('--cpu-prof');
const workers = numberOption('--workers');
const CONNECTIONS = numberOption('--connections') ?? 8;
const INBOX_SIZES = quick ? [100, 500] : [1_000, 10_000];
/** Completing all 10,000 would double the run's length for the same figure. */
const COMPLETIONS = numberOption('--completions') ?? (quick ? 200 : 2_000);
const INBOX_SECONDS = quick ? 3 : 10;
const KEY = 'http-bench';

/** The query the inbox page sends by default (editor/inbox/main.ts, query()). */
const INBOX_PATH = '/api/tasks?state=open&limit=200&candidate=me';

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Defs_http_bench" targetNamespace="http://samenspel.test" modeler:executionPlatform="Camunda Cloud">
  <bpmn:process id="${KEY}" name="HTTP-benchmark" isExecutable="true">
    <bpmn:startEvent id="start" name="Start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="taak" />
    <bpmn:userTask id="taak" name="Afhandelen"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="vt-triage" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="taak" targetRef="end" />
    <bpmn:endEvent id="end" name="Klaar" />
  </bpmn:process>
</bpmn:definitions>
`;

function numberOption(name: string): number | undefined {
  const at = args.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
  if (at < 0) return undefined;
  const text = args[at].includes('=') ? args[at].split('=')[1] : args[at + 1];
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} needs a positive whole number, got "${text}"`);
  return value;
}

interface Load {
  result: autocannon.Result;
  seconds: number;
  cpu: CpuShare;
  /** Every response's time in ms: autocannon's histogram has no p95. */
  latencies: number[];
  statuses: Map<number, number>;
}

async function load(server: ChildServer, options: autocannon.Options): Promise<Load> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const cpu = cpuMeter(server.child.pid!);
  const began = performance.now();
  const run = autocannon({ timeout: 30, ...options });
  run.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  });
  const result = await run;
  return { result, seconds: (performance.now() - began) / 1000, cpu: cpu(), latencies, statuses };
}

/**
 * Where the CPU went: a slow figure with "other" near a core says more about the machine than
 * the server; the server's CPU time per request changes much less with the machine's load.
 */
function cpuLine({ cpu, seconds, latencies }: Load): string {
  const perRequestMs = (cpu.server * seconds * 1000) / Math.max(1, latencies.length);
  return `server CPU ${perRequestMs.toFixed(1)} ms/request; CPU cores: server ${cpu.server.toFixed(2)}, bench ${cpu.bench.toFixed(2)}, other processes ${cpu.other.toFixed(2)}`;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
}

function latencyLine(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  const ms = (p: number) => `${percentile(sorted, p).toFixed(1)} ms`;
  return `p50 ${ms(50)}, p95 ${ms(95)}, p99 ${ms(99)}, max ${ms(100)}`;
}

/** Non-2xx answers, errors and timeouts, or '' when there were none. */
function failures({ result, statuses }: Load): string {
  const bad = [...statuses.entries()].filter(([status]) => status < 200 || status >= 300).map(([status, n]) => `${n} x ${status}`);
  if (result.errors) bad.push(`${result.errors} connection errors`);
  if (result.timeouts) bad.push(`${result.timeouts} timeouts`);
  return bad.join(', ');
}

const rate = (count: number, seconds: number) => Math.round(count / seconds).toLocaleString('en');
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const JSON_BODY = { 'content-type': 'application/json' };

async function seed(server: ChildServer, adminToken: string, count: number): Promise<void> {
  const seeded = await load(server, {
    url: `${server.url}/api/instances`,
    method: 'POST',
    headers: { ...bearer(adminToken), ...JSON_BODY },
    body: JSON.stringify({ definitionKey: KEY }),
    connections: Math.min(CONNECTIONS, count),
    amount: count,
  });
  const failed = failures(seeded);
  if (failed) throw new Error(`seeding ${count} instances failed: ${failed}`);
  console.log(`  seeded ${count.toLocaleString('en')} instances: ${rate(count, seeded.seconds)} starts/s, ${latencyLine(seeded.latencies)}; ${cpuLine(seeded)}`);
}

async function openTaskIds(server: ChildServer, workerToken: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await api(server.url, workerToken, 'GET', `/api/tasks?state=open&candidate=me&definitionKey=${KEY}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (page.status !== 200) throw new Error(`listing tasks: ${page.status} ${JSON.stringify(page.body)}`);
    ids.push(...page.body.items.map((item: { id: string }) => item.id));
    cursor = page.body.nextCursor;
  } while (cursor);
  return ids;
}

async function inbox(server: ChildServer, workerToken: string, open: number): Promise<string> {
  const measured = await load(server, { url: `${server.url}${INBOX_PATH}`, headers: bearer(workerToken), connections: CONNECTIONS, duration: INBOX_SECONDS });
  const bytes = measured.result.throughput.total ?? 0;
  console.log(
    `inbox, ${open.toLocaleString('en')} open tasks: ${rate(measured.latencies.length, measured.seconds)} req/s, ${latencyLine(measured.latencies)}, ` +
      `${Math.round(bytes / Math.max(1, measured.latencies.length) / 1024)} KiB/response; ${cpuLine(measured)}`,
  );
  return failures(measured);
}

/** Completes every task once: each request takes the next id, whichever connection sends it. */
async function completions(server: ChildServer, workerToken: string, ids: string[]): Promise<string> {
  let next = 0;
  const measured = await load(server, {
    url: server.url,
    method: 'POST',
    headers: { ...bearer(workerToken), ...JSON_BODY },
    body: JSON.stringify({ variables: {} }),
    connections: Math.min(CONNECTIONS, ids.length),
    amount: ids.length,
    requests: [{ setupRequest: (request) => ({ ...request, path: `/api/tasks/${encodeURIComponent(ids[next++ % ids.length])}/complete` }) }],
  });
  const failed = failures(measured);
  console.log(
    `completions, ${ids.length.toLocaleString('en')} tasks: ${rate(measured.latencies.length, measured.seconds)} completions/s, ` +
      `${latencyLine(measured.latencies)}, non-2xx ${measured.result.non2xx}${failed ? ` (${failed})` : ''}; ${cpuLine(measured)}`,
  );
  const done = new Set(ids);
  const left = (await openTaskIds(server, workerToken)).filter((id) => done.has(id));
  return left.length ? `${failed}; ${left.length} tasks still open` : failed;
}

/** SIGTERM first: a --cpu-prof profile is only written when the server exits on its own. */
async function stop(server: ChildServer): Promise<void> {
  server.child.kill('SIGTERM');
  await Promise.race([server.exited, sleep(10_000)]);
  await kill(server);
}

function printProfile(dir: string): void {
  const files = profilesIn(dir);
  if (files.length === 0) return console.log(`no CPU profile in ${dir}`);
  console.log(`\nserver CPU profiles (${files.length}) in ${dir}, top by self time (share of the busy time):`);
  for (const hot of hotFunctions(files)) console.log(`  ${hot.selfMs.toFixed(0).padStart(7)} ms ${(hot.share * 100).toFixed(1).padStart(5)} %  ${hot.name}`);
}

async function main(): Promise<void> {
  // The server as `npm start` runs it (through tsx), not the fault tests' esbuild bundle.
  process.env.SAMENSPEL_FAULT_TSX = '1';
  const dirs = await makeDirs({ 'http-bench.bpmn': XML });
  const profileDir = path.join(dirs.root, 'profile');
  if (cpuProf) await mkdir(profileDir);
  const server = await startChild({
    SAMENSPEL_DATA_DIR: dirs.dataDir,
    SAMENSPEL_PROCESSES_DIR: dirs.processesDir,
    SAMENSPEL_LOG_LEVEL: 'warn',
    ...(workers ? { SAMENSPEL_WORKERS: String(workers) } : {}),
  }, { nodeArgs: cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] });
  const problems: string[] = [];
  try {
    // startChild runs one process unless told otherwise, whatever the machine's core count.
    console.log(`server pid ${server.child.pid} up in ${server.startMs} ms; SQLite, SAMENSPEL_WORKERS=${workers ?? 1}, ${CONNECTIONS} connections${quick ? ', quick' : ''}`);
    const adminToken = await signIn(server.url, 'admin');
    const workerToken = await signIn(server.url, 'vt-triagist');
    let open = 0;
    for (const size of INBOX_SIZES) {
      await seed(server, adminToken, size - open);
      open = size;
      const failed = await inbox(server, workerToken, open);
      if (failed) problems.push(`inbox: ${failed}`);
    }
    const failed = await completions(server, workerToken, (await openTaskIds(server, workerToken)).slice(0, COMPLETIONS));
    if (failed) problems.push(`completions: ${failed}`);
    const pids = serverPids(server.child.pid!);
    console.log(`server RSS ${rssMiB(pids).toFixed(0)} MiB (${pids.length} process${pids.length > 1 ? 'es' : ''})`);
  } finally {
    await stop(server);
    if (cpuProf) printProfile(profileDir);
    else await rm(dirs.root, { recursive: true, force: true });
  }
  if (problems.length) {
    console.error(`FAILED: ${problems.join('; ')}`);
    process.exitCode = 1;
  }
}

await main();
