/**
 * Fault-test support: real server processes (`node --import tsx src/main.ts`) on a temporary
 * data directory and processes folder, started, killed (SIGKILL) and started again.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/jongodb.js';
import { sleep } from '../support/waiting.js';

export { NS } from '../support/bpmn-fixtures.js';
export { sleep };

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ChildServer {
  url: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<void>;
  startMs: number;
}

/** A temporary root with data/ and processes/ (the files given). */
export async function makeDirs(files: Record<string, string>): Promise<{ root: string; dataDir: string; processesDir: string }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'samenspel-faults-'));
  const dataDir = path.join(root, 'data');
  const processesDir = path.join(root, 'processes');
  await mkdir(processesDir, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(processesDir, name), content);
  return { root, dataDir, processesDir };
}

/**
 * The server's entry: src/main.ts bundled once per run by esbuild (node_modules stay external),
 * which starts in ~1 s instead of ~2.5 s through tsx: the crash test restarts 20+ times.
 * SAMENSPEL_FAULT_TSX=1 runs `node --import tsx src/main.ts` instead.
 */
let bundled: Promise<string[]> | null = null;
function entry(): Promise<string[]> {
  if (process.env.SAMENSPEL_FAULT_TSX === '1') return Promise.resolve(['--import', 'tsx', 'src/main.ts']);
  bundled ??= (async () => {
    // One bundle per test process (parallel runs never read each other's half-written file),
    // removed when the process exits.
    const outfile = path.join(ROOT, 'node_modules', '.cache', 'samenspel-faults', `main-${process.pid}.mjs`);
    process.once('exit', () => rmSync(outfile, { force: true }));
    await promisify(execFile)(
      path.join(ROOT, 'node_modules', '.bin', 'esbuild'),
      ['src/main.ts', '--bundle', '--platform=node', '--format=esm', '--packages=external', `--outfile=${outfile}`, '--log-level=warning'],
      { cwd: ROOT },
    );
    return [outfile];
  })();
  return bundled;
}

/**
 * Starts src/main.ts and waits until /api/health answers 200 (or fails after 30 s);
 * `waitHealthy: false` returns at once (to kill a server while it starts).
 */
export async function startChild(env: Record<string, string>, options: { waitHealthy?: boolean; nodeArgs?: string[] } = {}): Promise<ChildServer> {
  // nodeArgs: flags NODE_OPTIONS refuses (the HTTP benchmark's --cpu-prof).
  const args = [...(options.nodeArgs ?? []), ...(await entry())];
  const began = Date.now();
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    // MONGODB_URI of the test run (for the MongoDB specs) must not move these SQLite servers;
    // one process (no cluster of workers) unless a test asks for workers.
    env: { ...process.env, MONGODB_URI: '', SAMENSPEL_LOG_LEVEL: 'warn', SAMENSPEL_WORKERS: '1', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  if (options.waitHealthy === false) return { url, child, output, exited, startMs: 0 };
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited at start:\n${output.join('')}`);
    const health = await fetch(`${url}/api/health`).catch(() => null);
    if (health?.status === 200) return { url, child, output, exited, startMs: Date.now() - began };
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer in time:\n${output.join('')}`);
    }
    await sleep(25);
  }
}

export async function kill(server: ChildServer): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await server.exited;
}

export async function signIn(url: string, user: string): Promise<string> {
  const answer = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user, password: user }),
  });
  if (answer.status !== 200) throw new Error(`sign-in of ${user}: ${answer.status} ${await answer.text()}`);
  return ((await answer.json()) as { token: string }).token;
}

export async function api(url: string, token: string, method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: any }> {
  const answer = await fetch(`${url}${urlPath}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await answer.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: answer.status, body: parsed };
}
