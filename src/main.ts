/**
 * Entry point (`npm start`): read the configuration, start one node, stop gracefully on
 * SIGTERM/SIGINT. A bad setting stops the start with a message naming the variable.
 */
import { pino } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { startServer } from './server.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }

  const logger = pino({ level: config.logLevel });
  let server;
  try {
    server = await startServer(config, { logger });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    logger.fatal({ error: { type: (err as Error)?.name, message: (err as Error)?.message } }, 'Samenspel could not start');
    process.exit(1);
  }
  logger.info({ url: server.url }, `Samenspel listens on ${server.url}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
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

void main();
