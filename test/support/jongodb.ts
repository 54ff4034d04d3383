/**
 * A MongoDB wire-protocol test server for tests that need MongoDB and run without
 * `MONGODB_URI`: the jongodb binary of `@jongodb/memory-server-bin-linux-x64-gnu`, started
 * as a child process on a free loopback port (`<bin>/jongodb --port=N`), ready when it
 * prints `JONGODB_URI=...`. It keeps everything in memory and is gone when it stops.
 *
 * `testMongoUri()` is what specs use: `MONGODB_URI` when set (a real MongoDB), otherwise one
 * jongodb shared by every spec of this test process (started on first use, stopped when the
 * process exits). `uniqueDatabaseUri()` gives each test its own database on it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';

export interface Jongodb {
  /** mongodb://127.0.0.1:<port>/test as printed by the server. */
  uri: string;
  port: number;
  /** The child's process id (tests that kill it on purpose). */
  pid: number;
  /** Stops the server (SIGTERM, then SIGKILL after a second); resolves once it exited. */
  stop(): Promise<void>;
  /** Kills the server at once (SIGKILL: a crash, nothing flushed); resolves once it exited. */
  kill(): Promise<void>;
}

const READY_TIMEOUT_MS = 20_000;

/** Path of the jongodb binary shipped in the npm package. */
export function jongodbBinary(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('@jongodb/memory-server-bin-linux-x64-gnu/package.json');
  return path.join(path.dirname(manifest), 'bin', 'jongodb');
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test process that ends (or is interrupted) takes its servers with it.
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of running) child.kill('SIGKILL');
      process.exit(130);
    });
  }
}

/**
 * Starts a jongodb server as a child process; `port` defaults to a free one. The child
 * does not keep the test process alive: stop() it, or it is killed when the process exits.
 */
export async function startJongodb(options: { port?: number } = {}): Promise<Jongodb> {
  installExitHook();
  const port = options.port ?? (await freePort());
  const child = spawn(jongodbBinary(), [`--port=${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));

  let output = '';
  let onEarlyExit: ((code: number | null, signal: NodeJS.Signals | null) => void) | undefined;
  const uri = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`jongodb did not print JONGODB_URI within ${READY_TIMEOUT_MS} ms: ${output.slice(-500)}`));
    }, READY_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /JONGODB_URI=(\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    onEarlyExit = (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`jongodb exited before it was ready (code ${code}, signal ${signal}): ${output.slice(-500)}`));
    };
    child.once('exit', onEarlyExit);
  });
  child.off('exit', onEarlyExit!);
  // Keep draining its output (so it never blocks on a full pipe) without holding the loop open.
  child.stdout!.removeAllListeners('data').on('data', () => undefined);
  child.stderr!.removeAllListeners('data').on('data', () => undefined);
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  child.unref();

  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const end = async (signal: NodeJS.Signals) => {
    if (exited()) return;
    const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.ref(); // wait for its exit even when nothing else keeps the loop alive
    child.kill(signal);
    const force = setTimeout(() => child.kill('SIGKILL'), 1000);
    force.unref();
    await done;
    clearTimeout(force);
  };
  return {
    uri,
    port,
    pid: child.pid!,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  };
}

let shared: Promise<Jongodb> | null = null;

/** One jongodb for the whole test process, started on first use. */
export function sharedJongodb(): Promise<Jongodb> {
  shared ??= startJongodb().catch((err: unknown) => {
    shared = null;
    throw err;
  });
  return shared;
}

/** `MONGODB_URI` when set, else the URI of the shared jongodb. */
export async function testMongoUri(): Promise<string> {
  const external = process.env.MONGODB_URI;
  if (external !== undefined && external !== '') return external;
  return (await sharedJongodb()).uri;
}

/** The same server with a fresh database name (`<prefix>_<random>`) in the URI's path. */
export function uniqueDatabaseUri(uri: string, prefix = 'samenspel_test'): string {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  return withDatabase(uri, name);
}

/**
 * Drops a test database on a real MongoDB (MONGODB_URI set); on jongodb (no dropDatabase
 * command, everything in memory) it does nothing.
 */
export async function dropTestDatabase(uri: string): Promise<void> {
  if (!process.env.MONGODB_URI) return;
  const { default: mongoose } = await import('mongoose');
  const connection = await mongoose.createConnection(uri).asPromise();
  try {
    await connection.dropDatabase();
  } catch (err) {
    // A test server without dropDatabase (jongodb given as MONGODB_URI) keeps it.
    if ((err as { code?: number }).code !== 59) throw err;
  } finally {
    await connection.close();
  }
}

/** The URI with its database path replaced (query options kept). */
export function withDatabase(uri: string, database: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error(`not a MongoDB URI: ${uri}`);
  return `${match[1]}/${database}${match[3] ?? ''}`;
}
