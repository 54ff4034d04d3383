/**
 * Wires one Samenspel node: store, runtime, deployments, users and sign-in, the HTTP app,
 * the timer scheduler and the daily retention run; then listens. main.ts is the only
 * caller in production; integration tests call it with port 0, a temporary data directory
 * and a ManualClock.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PROJECT_ROOT } from './project-root.js';
import type { Express } from 'express';
import { pino, type Logger } from 'pino';
import { AuditService } from './access/audit-service.js';
import type { Authenticator } from './access/authenticator.js';
import { disableDemoUsers, seedDemoUsers } from './access/demo-users.js';
import { LoginRateLimiter } from './access/login-rate-limiter.js';
import { OidcConfigurationError, OidcVerifier } from './access/oidc-verifier.js';
import type { ScryptParams } from './access/password-hashing.js';
import { SYSTEM_ACTOR } from './access/principal.js';
import { SessionService } from './access/session-service.js';
import { systemClock, type Clock } from './clock.js';
import { ConfigError, type Config } from './config.js';
import { createDeploymentService, type DeploymentService } from './definitions/deployment-service.js';
import { createWorkingDayCalendar } from './engine/working-days.js';
import { ConflictError } from './errors.js';
import { createApp } from './http/app.js';
import { createMetrics, type MetricsOptions } from './http/metrics.js';
import type { Connector } from './runtime/connectors/connector.js';
import { createConnectorRegistry } from './runtime/connectors/connector-registry.js';
import { createWebhookConnector } from './runtime/connectors/webhook-connector.js';
import { createRetentionService } from './runtime/retention-service.js';
import { createRuntime } from './runtime/runtime.js';
import type { Store } from './store/port.js';
import { openSqliteStore } from './store/sqlite/sqlite-store.js';

export interface StartOptions {
  /** Default the system clock; tests pass a ManualClock to move time. */
  clock?: Clock;
  /** A store the caller opened (and closes); default MongoDB at MONGODB_URI when set, else
   * the SQLite file in config.dataDir. */
  store?: Store;
  /** Default a pino logger at config.logLevel on stdout. */
  logger?: Logger;
  /** scrypt cost of the demo users' hashes (tests pass TEST_SCRYPT). */
  scrypt?: ScryptParams;
  /** Connectors beside `webhook` (tests). */
  connectors?: Connector[];
  /** Interval of the retention run (default daily). */
  retentionIntervalMs?: number;
  /** Workers: /metrics answers for all workers of the node (src/cluster-metrics.ts). */
  gatherMetrics?: MetricsOptions['gather'];
  /**
   * Seed (or disable) the demo users and deploy the processes directory: the one-time work
   * of a start. Default true; the workers of a cluster (SAMENSPEL_WORKERS > 1) pass false,
   * because their primary did it once (prepareStore) before forking them.
   */
  setUp?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  app: Express;
  /** Names this process in timer and message leases (and in the X-Samenspel-Node header). */
  nodeId: string;
  /** Runs retention now (the daily job does the same); returns how many cases were purged. */
  runRetention(): Promise<number>;
  /**
   * The timer scheduler's loop: `runDue` fires the timers due now and delivers hand-overs
   * (what each tick of the loop does); `stop` ends the loop. Scenario tests stop it and
   * call `runDue` after moving their ManualClock, so nothing races them.
   */
  scheduler: { runDue(): Promise<number>; stop(): Promise<void> };
  /** Stops the scheduler, the retention job and the server (open requests finish), then the store. */
  close(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const CLOSE_GRACE_MS = 5000;

/** The version in package.json, for GET /api/health. */
export function packageVersion(): string {
  try {
    const text = readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8');
    const version = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === 'string' ? version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const clock = options.clock ?? systemClock;
  const ids = randomUUID;
  const ownStore = options.store === undefined;
  const store = options.store ?? (await openOwnStore(config));
  logger.info({ store: store.kind }, store.kind === 'mongodb' ? 'store: MongoDB (MONGODB_URI)' : 'store: SQLite');

  const nodeId = config.nodeId ?? `node-${randomUUID()}`;

  const stops: (() => Promise<void> | void)[] = [];
  try {
    // First, so that a wrong issuer stops the start before any other work.
    const oidc = config.oidc === null ? null : await startOidc(config.oidc, clock, logger);
    const connectors = connectorsFor(config, clock, options.connectors);
    const runtime = createRuntime({
      store,
      clock,
      connectors,
      calendar: createWorkingDayCalendar({ extraHolidays: config.extraHolidays }),
      nodeId,
      engineCacheSize: config.engineCacheSize,
      ids,
      scheduler: {
        pollMs: config.timerPollMs,
        leaseMs: config.timerLeaseMs,
        onError: (err) => logger.error({ error: { type: (err as Error)?.name, message: (err as Error)?.message } }, 'scheduler step failed'),
      },
    });
    const deployments = createDeploymentService({
      store,
      clock,
      ids,
      connectorTypes: () => connectors.types(),
      onDeployed: () => runtime.definitions.invalidate(),
    });
    const audit = new AuditService(store.audit, clock);
    const retention = createRetentionService({
      store,
      clock,
      defaultRetentionDays: config.defaultRetentionDays,
      onPurged: async (instance) => {
        await audit.record({
          at: clock.now().toISOString(),
          actor: SYSTEM_ACTOR,
          role: null,
          organisation: null,
          action: 'instance.purge',
          resource: `instance/${instance.id}`,
          instanceId: instance.id,
          outcome: 'allowed',
          details: { definitionKey: instance.definitionKey },
        });
      },
    });

    if (options.setUp !== false) await setUpStore({ config, store, clock, logger, deployments, audit, scrypt: options.scrypt });

    const sessions = new SessionService({
      users: store.users,
      clock,
      ttlMs: config.tokenTtlMinutes * 60_000,
      rateLimiter: new LoginRateLimiter({ clock }),
      scrypt: options.scrypt,
    });
    const authenticator: Authenticator = oidc ?? sessions;

    const metrics = createMetrics({ gather: options.gatherMetrics });
    const version = packageVersion();
    const app = createApp({
      config, logger, store, clock, runtime, deployments, retention, sessions, authenticator, audit, metrics, version, ids,
      connectorTypes: () => connectors.types(),
    });

    runtime.scheduler.start();
    stops.push(() => runtime.scheduler.stop());

    let retentionRunning: Promise<number> | null = null;
    const runRetention = (): Promise<number> => {
      retentionRunning ??= (async () => {
        try {
          const purged = await retention.run();
          await sessions.purgeExpired();
          if (purged > 0) logger.info({ purged }, 'retention: case data deleted');
          return purged;
        } finally {
          retentionRunning = null;
        }
      })();
      return retentionRunning;
    };
    const retentionTimer = setInterval(() => {
      runRetention().catch((err: unknown) => logger.error({ error: { type: (err as Error)?.name, message: (err as Error)?.message } }, 'retention run failed'));
    }, options.retentionIntervalMs ?? DAY_MS);
    retentionTimer.unref();
    stops.push(async () => {
      clearInterval(retentionTimer);
      await retentionRunning?.catch(() => undefined);
    });

    // Every answer says which process gave it: with several workers or nodes behind one
    // address that is how a log line, a test or an operator finds the process.
    const server: Server = await new Promise((resolve, reject) => {
      const listening = createServer((req, res) => {
        res.setHeader('X-Samenspel-Node', nodeId);
        app(req, res);
      }).listen(config.port, config.host, () => resolve(listening));
      listening.once('error', reject);
    });
    const { port } = server.address() as AddressInfo;
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
    const url = `http://${shownHost}:${port}`;

    let closing: Promise<void> | null = null;
    /**
     * Graceful shutdown: take no new work (no new connections, idle ones closed, the scheduler
     * claims no further timers or messages), let running requests and the timer being fired
     * finish (their saves free their leases; requests get CLOSE_GRACE_MS), then close the store.
     */
    const close = () => {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        force.unref();
        await Promise.all([stopped, runtime.scheduler.stop()]);
        clearTimeout(force);
        for (const stop of stops.reverse()) await stop();
        if (ownStore) await store.close();
      })();
      return closing;
    };

    const scheduler = { runDue: () => runtime.scheduler.runDue(), stop: () => runtime.scheduler.stop() };
    return { url, port, app, nodeId, runRetention, scheduler, close };
  } catch (err) {
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
    if (ownStore) await store.close().catch(() => undefined);
    throw err;
  }
}

/**
 * The primary's part when it runs workers: the store opened once (SQLite migrations, MongoDB
 * indexes), the one-time work of setUpStore, the store closed again. The workers then start
 * with `setUp: false` and find everything in place.
 */
export async function prepareStore(config: Config, options: Pick<StartOptions, 'clock' | 'logger' | 'connectors' | 'scrypt'> = {}): Promise<void> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const clock = options.clock ?? systemClock;
  const store = await openOwnStore(config);
  try {
    const connectors = connectorsFor(config, clock, options.connectors);
    const deployments = createDeploymentService({ store, clock, ids: randomUUID, connectorTypes: () => connectors.types() });
    const audit = new AuditService(store.audit, clock);
    await setUpStore({ config, store, clock, logger, deployments, audit, scrypt: options.scrypt });
  } finally {
    await store.close();
  }
}

interface SetUpDeps {
  config: Config;
  store: Store;
  clock: Clock;
  logger: Logger;
  deployments: DeploymentService;
  audit: AuditService;
  scrypt: ScryptParams | undefined;
}

/** Demo users seeded (or disabled) and the processes directory deployed, each new version audited. */
async function setUpStore({ config, store, clock, logger, deployments, audit, scrypt }: SetUpDeps): Promise<void> {
  if (config.demoUsers) {
    const created = await seedDemoUsers(store.users, clock, { scrypt });
    if (created.length > 0) logger.info({ users: created.length }, 'demo users created (password = user name)');
  } else {
    const disabled = await disableDemoUsers(store.users);
    if (disabled.length > 0) logger.warn({ users: disabled }, 'demo users disabled');
  }

  if (existsSync(config.processesDir) && statSync(config.processesDir).isDirectory()) {
    const deployed = await deployDirectoryOnce(() => deployments.deployDirectory(config.processesDir, SYSTEM_ACTOR));
    for (const process of deployed.filter((entry) => entry.unchanged !== true)) {
      await audit.record({
        at: clock.now().toISOString(),
        actor: SYSTEM_ACTOR,
        role: null,
        organisation: null,
        action: 'definition.deploy',
        resource: `definition/${process.key}`,
        instanceId: null,
        outcome: 'allowed',
        details: { version: process.version, source: 'processes directory' },
      });
    }
    logger.info({ processes: deployed.length, created: deployed.filter((entry) => entry.unchanged !== true).length }, 'processes directory deployed');
  } else {
    logger.info('no processes directory; nothing deployed at start');
  }
}

function connectorsFor(config: Config, clock: Clock, extra: Connector[] = []) {
  return createConnectorRegistry([
    createWebhookConnector({ endpoints: config.webhooks, timeoutMs: config.webhookTimeoutMs, clock }),
    ...extra,
  ]);
}

/**
 * MongoDB when MONGODB_URI is set (several nodes share it), else the embedded SQLite file.
 * The MongoDB adapter (with mongoose) is loaded only then: loading it cost every SQLite start
 * about 0.4 s of CPU (importing src/server.ts through tsx: median 1.99 s -> 1.58 s).
 */
async function openOwnStore(config: Config): Promise<Store> {
  if (config.mongodbUri !== undefined) {
    const { openMongoStore } = await import('./store/mongo/mongo-store.js');
    return openMongoStore({ uri: config.mongodbUri });
  }
  return openSqliteStore({ file: path.join(config.dataDir, 'samenspel.db'), synchronous: config.sqliteSync, busyTimeoutMs: config.sqliteBusyMs });
}

/**
 * Deploys the processes directory at start. Nodes that start together on one database race
 * for the same new versions; the loser's ConflictError means another node deployed them, so
 * it deploys again and finds them unchanged.
 */
async function deployDirectoryOnce<T>(deploy: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deploy();
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= 5) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/**
 * The OIDC verifier, with its settings checked now: a wrong issuer stops the start (naming
 * the variable); an identity provider that cannot be reached yet only warns, since tokens
 * are verified per request and it may come up later.
 */
async function startOidc(oidc: NonNullable<Config['oidc']>, clock: Clock, logger: Logger): Promise<OidcVerifier> {
  const variable = (message: string) => (/jwks/i.test(message) && oidc.jwksUrl !== undefined ? 'SAMENSPEL_OIDC_JWKS_URL' : 'SAMENSPEL_OIDC_ISSUER');
  const refuse = (err: unknown): never => {
    if (err instanceof OidcConfigurationError) throw new ConfigError(variable(err.message), `is unusable: ${err.message}`);
    throw err;
  };
  let verifier: OidcVerifier;
  try {
    verifier = new OidcVerifier({
      issuer: oidc.issuer,
      audience: oidc.audience,
      jwksUri: oidc.jwksUrl,
      claims: { ...oidc.claims, name: [oidc.claims.name, 'preferred_username'] },
      clock,
    });
  } catch (err) {
    return refuse(err);
  }
  try {
    await verifier.ready();
  } catch (err) {
    if (err instanceof OidcConfigurationError) refuse(err);
    logger.warn({ error: { type: (err as Error)?.name, message: (err as Error)?.message } }, 'the identity provider cannot be reached yet; requests with tokens answer 503 until it can');
    return verifier;
  }
  logger.info({ issuer: oidc.issuer }, 'bearer tokens are verified against the OIDC issuer; local sign-in is off');
  return verifier;
}
