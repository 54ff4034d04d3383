import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { BodyLimits } from './body-parsers.js';
import { createErrorMiddleware, notFoundHandler } from './error-middleware.js';
import { httpMetricsMiddleware, metricsHandler, type Metrics } from './metrics.js';
import { buildOpenApiDocument, type OpenApiDocument, type OpenApiInfo } from './openapi.js';
import { buildRouter, defineRoute, type AuthMode, type Authenticate, type RouteDefinition } from './route-registry.js';
import { setRoutePattern } from './route-pattern.js';
import { requestLogger, securityHeaders, type SecurityOptions } from './security.js';

/**
 * The Express app every router lives in, with the middleware in order:
 *
 *   request id + request log -> metrics timer -> security headers -> no-store for /api
 *   -> GET /metrics -> [your routes and routers, in mount order]
 *   -> GET /api/openapi.json -> 404 (JSON under /api) -> error middleware
 *
 * Build it, mount routes, then call finish(). createApp(deps) wires the services in;
 * the shell knows none of them.
 */
export interface HttpShellOptions {
  logger: Logger;
  metrics: Metrics;
  /** Body size limits: JSON default 1 MB, XML default 5 MB. */
  limits?: BodyLimits;
  /** Turns a request into a Principal (or null); required once a bearer route is mounted. */
  authenticate?: Authenticate;
  security?: SecurityOptions;
  /** The OpenAPI document route; false leaves it out. */
  openApi?: false | { path?: string; info?: OpenApiInfo; auth?: AuthMode };
  /** Where Prometheus scrapes; false leaves it out. Default '/metrics' (no authentication: keep it off the public network). */
  metricsPath?: string | false;
  /** Express's 'trust proxy' setting, for the client address behind a reverse proxy. Default false. */
  trustProxy?: boolean | number | string;
}

export interface HttpShell {
  readonly app: Express;
  /** Mounts declared routes (see defineRoute). */
  mountRoutes(routes: readonly RouteDefinition[]): void;
  /** Mounts a plain Express router or middleware, e.g. the pages and their static bundles. */
  mountRouter(path: string, router: RequestHandler): void;
  /** Every declared route mounted so far. */
  routes(): readonly RouteDefinition[];
  openApiDocument(): OpenApiDocument;
  /** Adds the OpenAPI route, the 404 handler and the error middleware; mount nothing after. */
  finish(): Express;
}

const noStore: RequestHandler = (_req, res, next) => {
  // Answers hold case data: no browser or proxy may keep them.
  res.setHeader('Cache-Control', 'no-store');
  next();
};

export function createHttpShell(options: HttpShellOptions): HttpShell {
  const { logger, metrics } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', options.trustProxy ?? false);

  app.use(requestLogger(logger));
  app.use(httpMetricsMiddleware(metrics));
  app.use(securityHeaders(options.security));
  app.use('/api', noStore);

  const metricsPath = options.metricsPath ?? '/metrics';
  if (metricsPath !== false) {
    app.get(
      metricsPath,
      (_req, res, next) => {
        setRoutePattern(res, metricsPath);
        next();
      },
      metricsHandler(metrics),
    );
  }

  const declared: RouteDefinition[] = [];
  const keys = new Set<string>();
  let finished = false;
  let document: OpenApiDocument | undefined;

  function assertOpen(what: string): void {
    if (finished) throw new Error(`${what} after finish(): the 404 and error handlers are already mounted`);
  }

  function mountRoutes(routes: readonly RouteDefinition[]): void {
    assertOpen('mountRoutes');
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (keys.has(key)) throw new Error(`Route ${route.method.toUpperCase()} ${route.path} is mounted twice`);
      keys.add(key);
    }
    app.use(buildRouter(routes, { authenticate: options.authenticate, limits: options.limits }));
    declared.push(...routes);
    document = undefined;
  }

  const openApiInfo: OpenApiInfo = (options.openApi !== false ? options.openApi?.info : undefined) ?? { version: '1' };

  function openApiDocument(): OpenApiDocument {
    document ??= buildOpenApiDocument(declared, openApiInfo);
    return document;
  }

  return {
    app,
    mountRoutes,
    mountRouter(path, router) {
      assertOpen('mountRouter');
      app.use(path, router);
    },
    routes: () => [...declared],
    openApiDocument,
    finish() {
      assertOpen('finish');
      if (options.openApi !== false) {
        mountRoutes([
          defineRoute({
            method: 'get',
            path: options.openApi?.path ?? '/api/openapi.json',
            summary: 'This API described in OpenAPI 3.1',
            tags: ['Operations'],
            auth: options.openApi?.auth ?? 'bearer',
            response: z.record(z.string(), z.unknown()),
            handler: () => openApiDocument() as unknown as Record<string, unknown>,
          }),
        ]);
        openApiDocument(); // a schema mistake shows at start-up, not on the first request
      }
      finished = true;
      app.use(notFoundHandler('/api'));
      app.use(createErrorMiddleware({ logger }));
      return app;
    },
  };
}
