import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { HttpError } from './http-error.js';

/**
 * Body parsing per route: the route's declared content types decide what is read, so a
 * JSON route never reads an XML body and an unauthenticated caller is refused before any
 * body is read (the route registry puts authentication first).
 */

export type BodyKind = 'json' | 'xml';

export const MEDIA_TYPES: Readonly<Record<BodyKind, readonly string[]>> = {
  json: ['application/json'],
  xml: ['application/xml', 'text/xml'],
};

export interface BodyLimits {
  /** Largest JSON body, bytes or a string such as '1mb'. Default 1 MB. */
  json?: number | string;
  /** Largest XML body. Default 5 MB. */
  xml?: number | string;
}

export const DEFAULT_BODY_LIMITS: Required<BodyLimits> = { json: '1mb', xml: '5mb' };

/** A document type or entity declaration: the door to billion-laughs and XXE. */
const XML_DECLARATION = /<!\s*(DOCTYPE|ENTITY)/i;

const RAW_LENGTH = Symbol('samenspel.rawBodyLength');

function recordRawLength(req: unknown, _res: unknown, buf: Buffer): void {
  (req as Record<symbol, number>)[RAW_LENGTH] = buf.length;
}

function rawLengthOf(req: Request): number | undefined {
  return (req as unknown as Record<symbol, number | undefined>)[RAW_LENGTH];
}

/** JSON.parse reviver that refuses `__proto__` keys (prototype pollution through later merges). */
function refuseProtoKey(key: string, value: unknown): unknown {
  if (key === '__proto__') {
    const error = new SyntaxError('The key "__proto__" is not allowed.') as SyntaxError & { type: string };
    error.type = 'json.key.refused';
    throw error;
  }
  return value;
}

/** express.json, strict (objects and arrays only), for application/json. */
export function jsonBodyParser(limit: number | string = DEFAULT_BODY_LIMITS.json): RequestHandler {
  return express.json({ limit, strict: true, type: [...MEDIA_TYPES.json], reviver: refuseProtoKey, verify: recordRawLength });
}

/**
 * express.text for application/xml and text/xml, followed by a check that refuses any
 * DOCTYPE or ENTITY declaration (400 `xml_doctype_refused`) before an XML parser sees it.
 */
export function xmlBodyParser(limit: number | string = DEFAULT_BODY_LIMITS.xml): RequestHandler {
  const text = express.text({ limit, type: [...MEDIA_TYPES.xml], defaultCharset: 'utf-8', verify: recordRawLength });
  return (req, res, next) => {
    text(req, res, (err?: unknown) => {
      if (err !== undefined && err !== null) {
        next(err);
        return;
      }
      if (typeof req.body === 'string') {
        const declaration = XML_DECLARATION.exec(req.body);
        if (declaration !== null) {
          next(
            new HttpError(400, 'xml_doctype_refused', `XML with a <!${declaration[1]!.toUpperCase()} declaration is refused; remove document type and entity declarations.`, [
              { path: 'body', message: 'Document type and entity declarations are not allowed.' },
            ]),
          );
          return;
        }
      }
      next();
    });
  };
}

/** True when the request announces a non-empty body (chunked bodies may still turn out empty). */
export function announcesBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0' && !Number.isNaN(Number(length));
}

function describeAccepted(accepts: readonly BodyKind[]): string {
  return accepts.flatMap((kind) => MEDIA_TYPES[kind]).join(', ');
}

function missingBody(accepts: readonly BodyKind[]): HttpError {
  return new HttpError(400, 'missing_body', `This request needs a body (${describeAccepted(accepts)}).`, [{ path: 'body', message: 'Required' }]);
}

export function unsupportedMediaType(accepts: readonly BodyKind[], received: string | undefined): HttpError {
  const types = describeAccepted(accepts);
  const got = received === undefined ? 'no Content-Type' : `Content-Type ${received.split(';')[0]!.trim().slice(0, 100)}`;
  return new HttpError(415, 'unsupported_media_type', `This endpoint accepts ${types}; the request has ${got}.`, [{ path: 'content-type', message: `Accepted: ${types}` }], {
    Accept: types,
  });
}

export interface BodyHandlingOptions {
  accepts: readonly BodyKind[];
  /** When false, a request without a body passes with `req.body` undefined. */
  required: boolean;
  limits?: BodyLimits;
}

/**
 * The body chain of one route: a content-type guard (415 naming the accepted types, 400
 * when a required body is missing), then the parser for the type that came.
 */
export function bodyHandling({ accepts, required, limits = {} }: BodyHandlingOptions): RequestHandler[] {
  if (accepts.length === 0) throw new Error('bodyHandling needs at least one accepted body kind');
  const parsers: Partial<Record<BodyKind, RequestHandler>> = {};
  if (accepts.includes('json')) parsers.json = jsonBodyParser(limits.json ?? DEFAULT_BODY_LIMITS.json);
  if (accepts.includes('xml')) parsers.xml = xmlBodyParser(limits.xml ?? DEFAULT_BODY_LIMITS.xml);
  const acceptedTypes = accepts.flatMap((kind) => MEDIA_TYPES[kind]);

  const guard: RequestHandler = (req, _res, next) => {
    if (!announcesBody(req)) {
      req.body = undefined;
      next(required ? missingBody(accepts) : undefined);
      return;
    }
    if (!req.is(acceptedTypes)) {
      next(unsupportedMediaType(accepts, req.headers['content-type']));
      return;
    }
    next();
  };

  const parse: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    if (!announcesBody(req)) {
      next();
      return;
    }
    const kind: BodyKind = parsers.json !== undefined && req.is([...MEDIA_TYPES.json]) ? 'json' : 'xml';
    parsers[kind]!(req, res, (err?: unknown) => {
      if (err !== undefined && err !== null) {
        next(err);
        return;
      }
      if (rawLengthOf(req) === 0) {
        // A chunked body that turned out empty: body-parser would make it {}.
        req.body = undefined;
        if (required) {
          next(missingBody(accepts));
          return;
        }
      }
      next();
    });
  };

  return [guard, parse];
}
