/**
 * The whole HTTP API as one Express app, built from its parts and not listening
 * (server.ts listens; tests may listen on port 0). The services are built here, every one
 * with the same guard, so that each route's decision and audit entry come from the policy
 * module and the audit service.
 */
import type { EventEmitter } from 'node:events';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { AuditService } from '../access/audit-service.js';
import type { Authenticator } from '../access/authenticator.js';
import { createGuard } from '../access/guarded.js';
import type { SessionService } from '../access/session-service.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { createDefinitionService } from '../definitions/definition-service.js';
import type { DeploymentService } from '../definitions/deployment-service.js';
import { createCaseService } from '../runtime/case-service.js';
import type { RetentionService } from '../runtime/retention-service.js';
import type { Runtime } from '../runtime/runtime.js';
import type { InstanceWrite, Store } from '../store/port.js';
import { createReportService } from '../tasks/reports.js';
import { createTaskService } from '../tasks/task-service.js';
import { createHttpShell, type HttpShell } from './app-shell.js';
import { bearerAuthenticate } from './bearer-auth.js';
import type { BodyLimits } from './body-parsers.js';
import type { Metrics } from './metrics.js';
import { createOperations } from './operations.js';
import { pagesRouter, type PagesOptions } from './pages.js';
import { auditRoutes } from './routes/audit.routes.js';
import { definitionRoutes } from './routes/definitions.routes.js';
import { draftRoutes } from './routes/drafts.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { instanceRoutes } from './routes/instances.routes.js';
import { messageRoutes } from './routes/messages.routes.js';
import { retentionRoutes } from './routes/retention.routes.js';
import { sessionRoutes } from './routes/session.routes.js';
import { reportRoutes } from './routes/reports.routes.js';
import { taskRoutes } from './routes/tasks.routes.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  store: Store;
  clock: Clock;
  runtime: Runtime;
  deployments: DeploymentService;
  retention: RetentionService;
  /** Local sign-in (POST /api/session); also the authenticator unless OIDC is configured. */
  sessions: SessionService;
  /** Turns bearer tokens into callers: the SessionService or an OidcVerifier. */
  authenticator: Authenticator;
  audit: AuditService;
  metrics: Metrics;
  /** The server's version, reported by GET /api/health. */
  version: string;
  ids: () => string;
  /** Body size limits (defaults: JSON 1 MB, XML 5 MB). */
  limits?: BodyLimits;
  /** The browser pages and their bundles (editor/dist); false leaves them out. */
  pages?: PagesOptions | false;
  /** Connector types registered in code, told to the modeler for its live validation. */
  connectorTypes?: () => string[];
  /** Mounts more routers (e.g. more pages) before the 404 handler. */
  extend?: (shell: HttpShell) => void;
}

export function createApp(deps: AppDeps): Express {
  const { store, runtime, audit, clock } = deps;
  const guard = createGuard(audit);
  const cases = createCaseService({ store, runtime, guard, audit, clock, ids: deps.ids });
  const tasks = createTaskService({ store, runtime, cases, guard, audit, now: () => clock.now() });
  const reports = createReportService({ store, guard, audit, now: () => clock.now() });
  const definitions = createDefinitionService({ store, deployments: deps.deployments, guard, clock });
  const operations = createOperations({
    store,
    audit,
    guard,
    sessions: deps.sessions,
    retention: deps.retention,
    localSignIn: deps.config.oidc === null,
    now: () => clock.now(),
  });

  const shell = createHttpShell({
    logger: deps.logger,
    metrics: deps.metrics,
    authenticate: bearerAuthenticate(deps.authenticator),
    limits: deps.limits,
    trustProxy: deps.config.trustProxy,
    openApi: { info: { title: 'Samenspel API', version: deps.version, description: 'The HTTP API of Samenspel (shared/API.md, version 1).' } },
  });
  shell.mountRoutes(healthRoutes({ store, version: deps.version }));
  shell.mountRoutes(sessionRoutes({ operations }));
  shell.mountRoutes(definitionRoutes({ definitions }));
  shell.mountRoutes(draftRoutes({ definitions }));
  shell.mountRoutes(instanceRoutes({ cases, operations }));
  shell.mountRoutes(taskRoutes({ tasks }));
  shell.mountRoutes(messageRoutes({ cases }));
  shell.mountRoutes(reportRoutes({ reports }));
  shell.mountRoutes(auditRoutes({ operations }));
  shell.mountRoutes(retentionRoutes({ operations }));
  if (deps.pages !== false) {
    const connectorTypes = deps.connectorTypes ?? (() => []);
    shell.mountRouter('/', pagesRouter({ meta: () => ({ connectors: connectorTypes().join(',') }), ...deps.pages }));
  }
  deps.extend?.(shell);
  const app = shell.finish();

  feedRuntimeMetrics(runtime.events, deps.metrics);
  return app;
}

/**
 * Counts what the runtime saved: every 'instance-changed' event carries the write with its
 * new history events. Returns a function that stops the counting.
 */
export function feedRuntimeMetrics(events: EventEmitter, metrics: Metrics): () => void {
  const listener = (write: InstanceWrite) => {
    const labels = { definition_key: write.instance.definitionKey };
    for (const event of write.history) {
      switch (event.type) {
        case 'started':
          metrics.instancesStarted.inc(labels);
          break;
        case 'completed':
          metrics.instancesCompleted.inc(labels);
          break;
        case 'task-completed':
          metrics.taskCompletions.inc(labels);
          break;
        case 'incident':
          metrics.incidents.inc(labels);
          break;
        case 'timer-fired': {
          const lagMs = Number(event.data?.lagMs);
          if (Number.isFinite(lagMs)) metrics.timerLag.observe(Math.max(0, lagMs) / 1000);
          break;
        }
        default:
          break;
      }
    }
  };
  events.on('instance-changed', listener);
  return () => events.off('instance-changed', listener);
}
