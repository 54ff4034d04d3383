/**
 * SAMENSPEL_WORKERS > 1: bpmn-engine runs a command on one core, so one process per core.
 *
 * The primary does the one-time work of a start (store migrations, the processes directory,
 * the demo users: prepareStore) and then forks the workers. Each worker runs the whole
 * server (HTTP on the shared port, runtime, timer scheduler) as a node of its own, named
 * `<node id>-w<n>` in leases: the workers coordinate through the store exactly like several
 * nodes do (lease claims, revision checks), never through this process.
 *
 * The primary keeps them running: a worker that dies is forked again after a backoff; a
 * worker that fails during the first start fails the start. SIGTERM/SIGINT are passed on to
 * the workers, which stop gracefully; the primary exits when all of them have.
 */
import { randomUUID } from 'node:crypto';
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { primaryMetrics } from './cluster-metrics.js';
import { prepareStore } from './server.js';

const READY = 'samenspel:ready';
/**
 * A worker asks (WAITING) once it has loaded its code and listens for the answer; the
 * primary answers PREPARED once the store is prepared. Asking first matters: a message that
 * arrives before the worker listens for it is lost.
 */
const WAITING = 'samenspel:waiting';
const PREPARED = 'samenspel:prepared';
/** First restart delay; doubled per further death, up to RESTART_MAX_MS. */
const RESTART_FIRST_MS = 250;
const RESTART_MAX_MS = 30_000;
/** A worker that served this long before dying counts as healthy: its backoff starts over. */
const HEALTHY_AFTER_MS = 60_000;
/** Workers stop within their request grace and the timer they are firing; past this, they are killed. */
const STOP_LIMIT_MS = 60_000;

interface ReadyMessage {
  type: typeof READY;
  url: string;
}

/**
 * Resolves in a worker once its primary has prepared the store. Workers are forked before
 * that, so that loading their code overlaps the primary's migrations and deploy.
 */
export function storePrepared(): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (message: { type?: unknown } | null) => {
      if (message?.type !== PREPARED) return;
      process.off('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
    process.send?.({ type: WAITING });
  });
}

/** Called by a worker once it listens: the primary announces the URL when all have. */
export function tellPrimaryReady(url: string): void {
  const message: ReadyMessage = { type: READY, url };
  process.send?.(message);
}

interface Slot {
  nodeId: string;
  worker: Worker | null;
  forkedAt: number;
  /** Deaths in a row without a healthy run in between. */
  deaths: number;
  restart: NodeJS.Timeout | null;
}

/**
 * Runs the primary until SIGTERM/SIGINT stopped all workers; then exits the process
 * (0 when every worker stopped cleanly). Rejects when the start fails.
 */
export async function runPrimary(config: Config, logger: Logger): Promise<void> {
  let prepared = false;
  const waiting = new Set<Worker>();
  const base = config.nodeId ?? `node-${randomUUID().slice(0, 8)}`;
  const slots: Slot[] = Array.from({ length: config.workers }, (_, i) => ({
    nodeId: `${base}-w${i + 1}`,
    worker: null,
    forkedAt: 0,
    deaths: 0,
    restart: null,
  }));
  const ready = new Set<Slot>();
  const onMetricsMessage = primaryMetrics(() => slots.flatMap((slot) => (slot.worker?.isConnected() ? [slot.worker] : [])));
  let phase: 'starting' | 'running' | 'stopping' | 'failed' = 'starting';
  let stopFailed = false;
  let stopSignal: NodeJS.Signals | null = null;
  const firstStart = new Promise<void>((resolve, reject) => {
    const fork = (slot: Slot) => {
      slot.restart = null;
      slot.forkedAt = Date.now();
      // The worker reads its node id through the configuration like any node.
      const worker = cluster.fork({ SAMENSPEL_NODE_ID: slot.nodeId });
      slot.worker = worker;
      logger.info({ nodeId: slot.nodeId, pid: worker.process.pid }, 'worker started');
      worker.on('message', (message: ReadyMessage | { type: typeof WAITING }) => {
        if (message?.type === WAITING) {
          if (prepared) worker.send({ type: PREPARED });
          else waiting.add(worker);
          return;
        }
        onMetricsMessage(worker, message);
        if (message?.type !== READY || phase !== 'starting') return;
        ready.add(slot);
        if (ready.size === slots.length) {
          phase = 'running';
          logger.info({ url: message.url, workers: slots.length }, `Samenspel listens on ${message.url} (${slots.length} workers)`);
          resolve();
        }
      });
      worker.once('exit', (code, signal) => onExit(slot, worker, code, signal));
    };

    const onExit = (slot: Slot, worker: Worker, code: number | null, signal: string | null) => {
      if (slot.worker === worker) slot.worker = null;
      if (phase === 'failed') return;
      if (phase === 'stopping') {
        // A worker still starting has no handler yet: the signal itself ends it, which is clean too.
        if (code !== 0 && signal !== stopSignal) stopFailed = true;
        if (slots.every((s) => s.worker === null)) process.exit(stopFailed ? 1 : 0);
        return;
      }
      if (phase === 'starting') {
        // A worker that cannot start (port taken, store unreadable, OIDC unusable) will not
        // start on the next try either: fail the start as a single process would.
        reject(new Error(`worker ${slot.nodeId} exited during the start (code ${code}, signal ${signal})`));
        return;
      }
      if (Date.now() - slot.forkedAt >= HEALTHY_AFTER_MS) slot.deaths = 0;
      slot.deaths += 1;
      const delayMs = Math.min(RESTART_MAX_MS, RESTART_FIRST_MS * 2 ** (slot.deaths - 1));
      logger.error({ nodeId: slot.nodeId, pid: worker.process.pid, code, signal, restartInMs: delayMs }, 'worker died; starting it again');
      slot.restart = setTimeout(() => fork(slot), delayMs);
    };

    for (const slot of slots) fork(slot);
    prepareStore(config, { logger }).then(
      () => {
        prepared = true;
        for (const worker of waiting) if (worker.isConnected()) worker.send({ type: PREPARED });
        waiting.clear();
      },
      reject,
    );
  });

  const stop = (signal: NodeJS.Signals) => {
    if (phase === 'stopping' || phase === 'failed') return;
    phase = 'stopping';
    stopSignal = signal;
    logger.info({ signal }, 'stopping the workers');
    for (const slot of slots) {
      if (slot.restart) clearTimeout(slot.restart);
      slot.restart = null;
      slot.worker?.process.kill(signal);
    }
    if (slots.every((s) => s.worker === null)) process.exit(0);
    setTimeout(() => {
      logger.error({ workers: slots.filter((s) => s.worker).map((s) => s.nodeId) }, 'workers did not stop in time; killing them');
      for (const slot of slots) slot.worker?.process.kill('SIGKILL');
      process.exit(1);
    }, STOP_LIMIT_MS).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));

  try {
    await firstStart;
  } catch (err) {
    phase = 'failed';
    for (const slot of slots) slot.worker?.process.kill('SIGKILL');
    throw err;
  }
}
