import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { routePatternOf } from './route-pattern.js';

/**
 * Security headers, request ids and request logging.
 *
 * The pages (sign-in, inbox, modeler, admin) and their bundles come from our own origin,
 * so the CSP allows only 'self' for scripts, styles and connections, plus data: images and
 * fonts (bpmn-js and form-js inline a few). No inline scripts, no eval, no framing.
 *
 * One exception, as narrow as CSP allows: bpmn-js-properties-panel builds its containers
 * from HTML strings with two fixed `style` attributes; `style-src-attr` lets exactly those
 * two values through (by hash, with 'unsafe-hashes' - which allows nothing but the listed
 * attribute values). Without it the panel loses its height and every page load logs a
 * CSP error. `<style>` elements and any other style attribute stay blocked.
 */

/** sha256 of the exact `style` attribute values the properties panel writes. */
export const PROPERTIES_PANEL_STYLE_HASHES: readonly string[] = Object.freeze([
  "'sha256-nR5hyLltSjfvi2rqC26RbcredWrJvTaPA1yqPX96jpY='", // height: 100%
  "'sha256-LIWyuNLBDBQuKJLr4mOx2cFEzHX9lM0BrbfcAAzCvSU='", // flex: none; height: auto
]);

export type CspDirectives = Record<string, Iterable<string> | null>;

export const DEFAULT_CSP_DIRECTIVES: Readonly<CspDirectives> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'style-src-attr': ["'unsafe-hashes'", ...PROPERTIES_PANEL_STYLE_HASHES],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'worker-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

export interface SecurityOptions {
  /** Directives merged over the defaults (a value of null removes a directive). */
  csp?: CspDirectives;
  /** Send Strict-Transport-Security (only meaningful behind TLS). Default true. */
  hsts?: boolean;
}

export function securityHeaders(options: SecurityOptions = {}): RequestHandler {
  const directives: CspDirectives = { ...DEFAULT_CSP_DIRECTIVES, ...options.csp };
  for (const [name, value] of Object.entries(directives)) if (value === null) delete directives[name];
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: directives as Record<string, Iterable<string>> },
    strictTransportSecurity: options.hsts === false ? false : { maxAge: 31536000, includeSubDomains: true },
    // Our pages have no cross-origin embeds; keep the default COOP/CORP from helmet.
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
  });
}

/** An id a caller or proxy sent is kept when it looks like one; otherwise a fresh UUID. */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFor(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/**
 * pino-http request logging: one line per answer with request id, method, route pattern,
 * status and duration. No URL (query strings and ids in paths can carry case data), no
 * headers, no bodies; the Authorization header is redacted should anything log headers.
 */
export function requestLogger(logger: Logger): RequestHandler {
  const middleware = pinoHttp({
    logger,
    genReqId: requestIdFor,
    quietReqLogger: true,
    quietResLogger: true,
    wrapSerializers: false,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' },
    serializers: {
      req: (req: IncomingMessage) => ({ method: req.method }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    customProps: (req, res) =>
      res.headersSent || res.writableEnded ? { method: req.method, route: routePatternOf(req as never, res as never) } : {},
    customLogLevel: (_req, res, err) => (err !== undefined || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    // The error middleware logs the real error with its stack; pino-http's own
    // "failed with status code 500" error would only add noise.
    customErrorObject: (_req, _res, _err, value: Record<string, unknown>) => ({ res: value.res, responseTime: value.responseTime }),
  });
  return middleware as unknown as RequestHandler;
}
