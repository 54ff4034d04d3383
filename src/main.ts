/**
 * Entry point (`npm start`): read the configuration, start, stop gracefully on SIGTERM/SIGINT.
 * A bad setting stops the start with a message naming the variable.
 *
 * SAMENSPEL_WORKERS=1: one process, as a single node always ran. More: this process becomes
 * a cluster primary (src/cluster.ts) that prepares the store once and runs that many worker
 * processes on one port; each worker is a node of its own (runtime, scheduler, engine cache).
 */
import cluster from 'node:cluster';
import { pino, type Logger } from 'pino';
import { runPrimary, storePrepared, tellPrimaryReady } from './cluster.js';
import { workerMetrics } from './cluster-metrics.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { startServer, type RunningServer } from './server.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    return failStart(err, null);
  }
  const logger = pino({ level: config.logLevel });

  if (config.workers > 1 && cluster.isPrimary) {
    await runPrimary(config, logger).catch((err: unknown) => failStart(err, logger));
    return;
  }
  const worker = cluster.isWorker;
  let server: RunningServer;
  try {
    // A worker finds the store prepared by its primary (migrations, processes, demo users).
    if (worker) await storePrepared();
    server = await startServer(config, { logger, setUp: !worker, gatherMetrics: worker ? workerMetrics : undefined });
  } catch (err) {
    return failStart(err, logger);
  }
  if (worker) {
    logger.info({ nodeId: server.nodeId, pid: process.pid }, 'worker serves');
    tellPrimaryReady(server.url);
  } else {
    logger.info({ url: server.url }, `Samenspel listens on ${server.url}`);
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, nodeId: server.nodeId }, 'stopping');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ error: { type: (err as Error)?.name, message: (err as Error)?.message } }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/** A start that cannot go on: a setting named (ConfigError) or the reason logged; exit code 1. */
function failStart(err: unknown, logger: Logger | null): never {
  if (err instanceof ConfigError || logger === null) {
    console.error(err instanceof Error ? err.message : String(err));
  } else {
    logger.fatal({ error: { type: (err as Error)?.name, message: (err as Error)?.message } }, 'Samenspel could not start');
  }
  process.exit(1);
}

void main();
