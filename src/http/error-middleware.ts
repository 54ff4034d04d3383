import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { SamenspelError, type ErrorDetail } from '../errors.js';
import { HttpError, errorBody } from './http-error.js';
import { routePatternOf } from './route-pattern.js';

/**
 * The one place that turns errors into HTTP answers (DESIGN.md section 8): typed service
 * errors by their `kind`, HTTP-layer errors (`HttpError`), express's body-parser errors,
 * and anything else as a 500 whose body says nothing about the cause. The cause, with its
 * stack, goes to the log; request bodies never do.
 */

/**
 * Status per `SamenspelError.kind`. Read as a string on purpose: kinds added later
 * ('unauthenticated', 'too_many_requests') map without a change here.
 */
export const STATUS_BY_KIND: Readonly<Record<string, number>> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid: 422,
  too_many_requests: 429,
  unavailable: 503,
};

/** Retry-After (seconds) when the error does not carry `retryAfterSeconds`. */
const DEFAULT_RETRY_AFTER: Readonly<Record<number, number>> = { 429: 60, 503: 5 };

/** Messages for errors whose own message must not be shown (it may echo the request). */
const GENERIC_MESSAGE: Readonly<Record<number, string>> = {
  400: 'The request could not be understood.',
  401: 'Authentication is required.',
  403: 'You are not allowed to do this.',
  404: 'Not found.',
  405: 'This method is not allowed here.',
  408: 'The request took too long to arrive.',
  413: 'The request body is too large.',
  415: 'The request body has a content type or encoding this endpoint does not accept.',
  429: 'Too many requests; try again later.',
};

const GENERIC_CODE: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'invalid',
  429: 'too_many_requests',
};

export interface MappedError {
  status: number;
  code: string;
  message: string;
  details: ErrorDetail[];
  headers: Record<string, string>;
}

/** Maps a thrown value to an answer, or null when it is unexpected (500). */
export function mapError(err: unknown): MappedError | null {
  if (err instanceof HttpError) {
    return { status: err.status, code: err.code, message: err.message, details: cleanDetails(err.details), headers: { ...err.headers } };
  }
  if (err instanceof SamenspelError) {
    const kind: string = err.kind;
    const status = STATUS_BY_KIND[kind];
    if (status === undefined) return null;
    const headers: Record<string, string> = {};
    if (status === 401) headers['WWW-Authenticate'] = 'Bearer';
    if (status === 429 || status === 503) {
      headers['Retry-After'] = String(retryAfterOf(err) ?? DEFAULT_RETRY_AFTER[status]);
    }
    return { status, code: err.code, message: err.message, details: cleanDetails(err.details), headers };
  }
  return mapBodyParserError(err);
}

function retryAfterOf(err: object): number | undefined {
  const value = (err as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.ceil(value) : undefined;
}

/**
 * express.json/express.text (body-parser) and the router raise http-errors with a `type`
 * and a 4xx `status`. Their messages can quote the body (JSON syntax errors do), so the
 * answer uses our own sentences.
 */
function mapBodyParserError(err: unknown): MappedError | null {
  if (typeof err !== 'object' || err === null) return null;
  const candidate = err as { type?: unknown; status?: unknown; statusCode?: unknown; limit?: unknown; charset?: unknown; encoding?: unknown };
  const status = typeof candidate.status === 'number' ? candidate.status : typeof candidate.statusCode === 'number' ? candidate.statusCode : undefined;
  if (status === undefined || status < 400 || status > 499) return null;
  const none: Record<string, string> = {};
  switch (candidate.type) {
    case 'entity.too.large': {
      const limit = typeof candidate.limit === 'number' ? ` of ${candidate.limit} bytes` : '';
      return { status: 413, code: 'payload_too_large', message: `The request body is larger than the limit${limit}.`, details: [], headers: none };
    }
    case 'entity.parse.failed':
      return {
        status: 400,
        code: 'malformed_json',
        message: 'The request body is not valid JSON.',
        details: [{ path: 'body', message: 'The body could not be parsed as JSON.' }],
        headers: none,
      };
    case 'json.key.refused':
      return {
        status: 400,
        code: 'malformed_json',
        message: 'The request body uses a reserved key (__proto__).',
        details: [{ path: 'body', message: 'The key "__proto__" is not allowed.' }],
        headers: none,
      };
    case 'charset.unsupported': {
      const charset = typeof candidate.charset === 'string' && /^[\w.:-]{1,40}$/.test(candidate.charset) ? ` "${candidate.charset}"` : '';
      return { status: 415, code: 'unsupported_charset', message: `The charset${charset} is not supported; send UTF-8.`, details: [], headers: none };
    }
    case 'encoding.unsupported':
      return {
        status: 415,
        code: 'unsupported_content_encoding',
        message: 'The Content-Encoding of the request is not supported; send identity, gzip, deflate or br.',
        details: [],
        headers: none,
      };
    case 'request.aborted':
      return { status: 400, code: 'request_aborted', message: 'The request was aborted before its body arrived.', details: [], headers: none };
    case 'request.size.invalid':
      return { status: 400, code: 'invalid_content_length', message: 'The request body does not match its Content-Length.', details: [], headers: none };
    case 'parameters.too.many':
      return { status: 413, code: 'payload_too_large', message: 'The request has too many parameters.', details: [], headers: none };
    default:
      return {
        status,
        code: GENERIC_CODE[status] ?? 'bad_request',
        message: GENERIC_MESSAGE[status] ?? GENERIC_MESSAGE[400]!,
        details: [],
        headers: none,
      };
  }
}

/** Only the documented detail fields leave the server. */
function cleanDetails(details: readonly ErrorDetail[] | undefined): ErrorDetail[] {
  if (!Array.isArray(details)) return [];
  return details.map((detail) => {
    const clean: ErrorDetail = { message: String(detail.message) };
    if (typeof detail.path === 'string') clean.path = detail.path;
    if (typeof detail.elementId === 'string') clean.elementId = detail.elementId;
    if (typeof detail.rule === 'string') clean.rule = detail.rule;
    if (detail.severity === 'error' || detail.severity === 'warning') clean.severity = detail.severity;
    return clean;
  });
}

/** Name, message and stack (and those of its causes), never other properties that may hold data. */
export function describeForLog(err: unknown, depth = 0): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err, message: 'A non-Error value was thrown.' };
  const described: Record<string, unknown> = { type: err.name, message: err.message, stack: err.stack };
  if (err.cause !== undefined && depth < 3) described.cause = describeForLog(err.cause, depth + 1);
  return described;
}

export interface ErrorMiddlewareOptions {
  logger: Logger;
}

function requestIdOf(req: Request): string | undefined {
  const id = (req as { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/** pino-http's request logger (already bound to the request id), else the app logger with the id added. */
function loggerFor(req: Request, fallback: Logger): Logger {
  const log = (req as { log?: Logger }).log;
  if (log !== undefined) return log;
  const id = requestIdOf(req);
  return id === undefined ? fallback : fallback.child({ reqId: id });
}

export function createErrorMiddleware({ logger }: ErrorMiddlewareOptions): ErrorRequestHandler {
  return (err: unknown, req: Request, res: Response, _next) => {
    const mapped = mapError(err);
    const route = routePatternOf(req, res);
    if (mapped === null || mapped.status >= 500) {
      const log = loggerFor(req, logger);
      const entry = { error: describeForLog(err), method: req.method, route };
      if (mapped === null) log.error(entry, 'unhandled error');
      else log.warn(entry, `request failed: ${mapped.code}`);
    }
    if (res.headersSent) {
      // Part of the answer is out; all we can do is cut the connection.
      req.socket?.destroy();
      return;
    }
    if (mapped === null) {
      const id = requestIdOf(req);
      const reference = id === undefined ? '' : ` Quote request id ${id} when reporting it.`;
      res.status(500).json(errorBody('internal_error', `An unexpected error occurred.${reference}`));
      return;
    }
    for (const [name, value] of Object.entries(mapped.headers)) res.setHeader(name, value);
    res.status(mapped.status).json(errorBody(mapped.code, mapped.message, mapped.details));
  };
}

/**
 * The last handler: an unknown path under /api answers 404 JSON; anything else a short
 * text (pages are served by routers mounted before this).
 */
export function notFoundHandler(apiPrefix = '/api'): RequestHandler {
  return (req, res) => {
    if (req.path === apiPrefix || req.path.startsWith(`${apiPrefix}/`)) {
      res.status(404).json(errorBody('not_found', 'There is no API endpoint at this path.'));
      return;
    }
    res.status(404).type('text/plain').send('Not found');
  };
}
