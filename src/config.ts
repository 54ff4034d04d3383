/**
 * Configuration from environment variables, validated once at start. This is the only
 * module that reads `process.env`; a bad value stops the start with a message that
 * names the variable.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const onOff = z.enum(['on', 'off']);
const positiveInt = z.coerce.number().int().positive();
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected dates as YYYY-MM-DD');

const webhookEndpoints = z.record(
  z.string().min(1),
  z.object({ url: z.url({ protocol: /^https?$/ }), secret: z.string().min(16, 'a secret needs at least 16 characters') }).strict(),
);

const schema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    SAMENSPEL_DATA_DIR: z.string().min(1).default('./data'),
    SAMENSPEL_PROCESSES_DIR: z.string().min(1).default('./processes'),
    SAMENSPEL_DEMO_USERS: onOff.default('on'),
    SAMENSPEL_TRUST_PROXY: z
      .string()
      .regex(/^(off|on|\d+|[\d.:/a-fA-F, ]+)$/, 'expected off, on, a hop count or proxy addresses')
      .default('off'),
    SAMENSPEL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SAMENSPEL_NODE_ID: z.string().min(1).optional(),
    SAMENSPEL_WORKERS: positiveInt.max(256).default(() => os.availableParallelism()),
    SAMENSPEL_TOKEN_TTL_MINUTES: positiveInt.default(480),
    SAMENSPEL_TIMER_POLL_MS: positiveInt.default(1000),
    SAMENSPEL_TIMER_LEASE_MS: positiveInt.default(30_000),
    SAMENSPEL_EXTRA_HOLIDAYS: z
      .string()
      .default('')
      .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean))
      .pipe(z.array(isoDate)),
    SAMENSPEL_SQLITE_SYNC: z.enum(['full', 'normal']).default('full'),
    SAMENSPEL_SQLITE_BUSY_MS: positiveInt.default(5000),
    SAMENSPEL_ENGINE_CACHE: z.coerce.number().int().min(0).max(10_000).default(100),
    SAMENSPEL_RETENTION_DAYS: positiveInt.default(3650),
    SAMENSPEL_WEBHOOKS: z
      .string()
      .default('{}')
      .transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'is not JSON' });
          return z.NEVER;
        }
      })
      .pipe(webhookEndpoints),
    SAMENSPEL_WEBHOOK_TIMEOUT_MS: positiveInt.default(10_000),
    SAMENSPEL_OIDC_ISSUER: z.url().optional(),
    SAMENSPEL_OIDC_AUDIENCE: z.string().min(1).optional(),
    SAMENSPEL_OIDC_JWKS_URL: z.url().optional(),
    SAMENSPEL_OIDC_CLAIM_ID: z.string().min(1).default('sub'),
    SAMENSPEL_OIDC_CLAIM_NAME: z.string().min(1).default('name'),
    SAMENSPEL_OIDC_CLAIM_ROLES: z.string().min(1).default('roles'),
    SAMENSPEL_OIDC_CLAIM_ORGANISATION: z.string().min(1).default('organisation'),
    SAMENSPEL_OIDC_CLAIM_GROUPS: z.string().min(1).default('groups'),
    MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'expected a mongodb:// or mongodb+srv:// URI').optional(),
  })
  .loose();

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  processesDir: string;
  demoUsers: boolean;
  logLevel: string;
  /** Express 'trust proxy': false, true, a hop count or addresses (for the client IP of rate limits). */
  trustProxy: boolean | number | string;
  nodeId: string | undefined;
  /**
   * Server processes on this machine (node:cluster), one store: bpmn-engine runs on one core
   * per process. 1 = no cluster, one process as before.
   */
  workers: number;
  tokenTtlMinutes: number;
  timerPollMs: number;
  timerLeaseMs: number;
  extraHolidays: string[];
  defaultRetentionDays: number;
  /**
   * FULL syncs the WAL on every commit: no acknowledged change is lost even on power loss.
   * NORMAL survives a crash of the server process but may lose the last commits on power
   * loss, for about half the write cost.
   */
  sqliteSync: 'FULL' | 'NORMAL';
  /** How long a SQLite write waits for another connection's lock before answering 503. */
  sqliteBusyMs: number;
  /** Idle engines kept in memory (about 0.5 MB each) to skip recovery on the next command. */
  engineCacheSize: number;
  webhooks: Record<string, { url: string; secret: string }>;
  webhookTimeoutMs: number;
  oidc: null | {
    issuer: string;
    audience: string | undefined;
    jwksUrl: string | undefined;
    claims: { id: string; name: string; roles: string; organisation: string; groups: string };
  };
  mongodbUri: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, reason: string) {
    super(`configuration: ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset, so that `VAR= npm start` falls back to the default.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue.path[0] ?? 'environment'), `is invalid: ${issue.message}`);
  }
  const value = parsed.data;
  return {
    port: value.PORT,
    host: value.HOST,
    dataDir: path.resolve(value.SAMENSPEL_DATA_DIR),
    processesDir: path.resolve(value.SAMENSPEL_PROCESSES_DIR),
    demoUsers: value.SAMENSPEL_DEMO_USERS === 'on',
    logLevel: value.SAMENSPEL_LOG_LEVEL,
    trustProxy: trustProxyOf(value.SAMENSPEL_TRUST_PROXY),
    nodeId: value.SAMENSPEL_NODE_ID,
    workers: value.SAMENSPEL_WORKERS,
    tokenTtlMinutes: value.SAMENSPEL_TOKEN_TTL_MINUTES,
    timerPollMs: value.SAMENSPEL_TIMER_POLL_MS,
    timerLeaseMs: value.SAMENSPEL_TIMER_LEASE_MS,
    extraHolidays: value.SAMENSPEL_EXTRA_HOLIDAYS,
    defaultRetentionDays: value.SAMENSPEL_RETENTION_DAYS,
    engineCacheSize: value.SAMENSPEL_ENGINE_CACHE,
    sqliteSync: value.SAMENSPEL_SQLITE_SYNC === 'normal' ? 'NORMAL' : 'FULL',
    sqliteBusyMs: value.SAMENSPEL_SQLITE_BUSY_MS,
    webhooks: value.SAMENSPEL_WEBHOOKS,
    webhookTimeoutMs: value.SAMENSPEL_WEBHOOK_TIMEOUT_MS,
    oidc: value.SAMENSPEL_OIDC_ISSUER
      ? {
          issuer: value.SAMENSPEL_OIDC_ISSUER,
          audience: value.SAMENSPEL_OIDC_AUDIENCE,
          jwksUrl: value.SAMENSPEL_OIDC_JWKS_URL,
          claims: {
            id: value.SAMENSPEL_OIDC_CLAIM_ID,
            name: value.SAMENSPEL_OIDC_CLAIM_NAME,
            roles: value.SAMENSPEL_OIDC_CLAIM_ROLES,
            organisation: value.SAMENSPEL_OIDC_CLAIM_ORGANISATION,
            groups: value.SAMENSPEL_OIDC_CLAIM_GROUPS,
          },
        }
      : null,
    mongodbUri: value.MONGODB_URI,
  };
}

function trustProxyOf(value: string): boolean | number | string {
  if (value === 'off') return false;
  if (value === 'on') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
