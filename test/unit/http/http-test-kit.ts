import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import type { Express } from 'express';
import type { Principal } from '../../../src/access/principal.js';
import { createHttpShell, type HttpShell, type HttpShellOptions } from '../../../src/http/app-shell.js';
import { createMetrics, type Metrics } from '../../../src/http/metrics.js';
import { bearerAuthenticate } from '../../../src/http/bearer-auth.js';
import type { Authenticate } from '../../../src/http/route-registry.js';
import { exampleRoutes } from './example.routes.js';

/** Log lines, parsed, from a pino logger writing into memory. */
export interface CapturedLog {
  logger: Logger;
  lines: Record<string, unknown>[];
  text(): string;
}

export function captureLog(): CapturedLog {
  const raw: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void raw.push(line) });
  return {
    logger,
    get lines() {
      return raw.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    text: () => raw.join(''),
  };
}

export const ADMIN_TOKEN = 'token-admin-5f1c';
export const WORKER_TOKEN = 'token-worker-9a7e';

const principals: Record<string, Principal> = {
  [ADMIN_TOKEN]: { id: 'u-admin', name: 'Ada Admin', roles: ['administrator'], organisation: null, groups: [] },
  [WORKER_TOKEN]: { id: 'u-worker', name: 'Wim Werker', roles: ['case-worker'], organisation: 'veilig-thuis', groups: ['vt-triage'] },
};

/** A fake of the access layer's Authenticator: `Authorization: Bearer <one of the tokens above>`. */
export const fakeAuthenticate: Authenticate = bearerAuthenticate({ authenticate: async (token) => principals[token] ?? null });

export interface TestServer {
  baseUrl: string;
  shell: HttpShell;
  app: Express;
  metrics: Metrics;
  log: CapturedLog;
  /** fetch against the server, with the admin token unless `auth: false` or another token. */
  request(path: string, init?: RequestInit & { token?: string | false }): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestServer(overrides: Partial<HttpShellOptions> = {}): Promise<TestServer> {
  const log = captureLog();
  const metrics = createMetrics({ defaultMetrics: false });
  const shell = createHttpShell({ logger: log.logger, metrics, authenticate: fakeAuthenticate, ...overrides });
  shell.mountRoutes(exampleRoutes());
  const app = shell.finish();
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    shell,
    app,
    metrics,
    log,
    request(path, init = {}) {
      const { token = ADMIN_TOKEN, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token !== false && !headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
      return fetch(`${baseUrl}${path}`, { ...rest, headers });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** Strings that betray a stack trace or source location in an answer. */
export function looksLikeStack(text: string): boolean {
  return /\bat [\w.<>]+ \(|\.ts:\d+|node:internal|\/work\//.test(text);
}
