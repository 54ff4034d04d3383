import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import type { ErrorDetail } from '../errors.js';
import type { Principal, Role } from '../access/principal.js';
import { bodyHandling, type BodyKind, type BodyLimits } from './body-parsers.js';
import { HttpError } from './http-error.js';
import { setRoutePattern } from './route-pattern.js';

/**
 * Declare a route once — method, path, zod schemas, OpenAPI text, auth — and get both the
 * Express handler chain (authenticate, content-type guard, body parser, validation, send)
 * and the route's entry in the OpenAPI document.
 *
 * Routes do three things (DESIGN.md section 8): the registry validates, the handler calls
 * one service method and returns its result, the registry sends it.
 *
 *   export function taskRoutes({ tasks }: { tasks: TaskService }): RouteDefinition[] {
 *     return [
 *       defineRoute({
 *         method: 'post',
 *         path: '/api/tasks/:id/complete',
 *         summary: 'Complete a task',
 *         tags: ['Tasks'],
 *         params: z.object({ id: z.string() }),
 *         body: z.strictObject({ variables: z.record(z.string(), z.unknown()) }),
 *         response: CompleteTaskResult,          // a zod schema, .meta({ id }) to name it
 *         errors: [403, 404, 409, 422],
 *         handler: ({ params, body, principal }) => tasks.complete(principal, params.id, body.variables),
 *       }),
 *     ];
 *   }
 *   // app.ts: shell.mountRoutes(taskRoutes(deps));
 *
 * Failing validation answers 400 `invalid_request` with details `{path: 'body.variables', message}`.
 * Throw the typed errors of src/errors.ts for everything else; never catch in a route.
 */

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type AuthMode = 'bearer' | 'none';
export type ProducedType = 'json' | 'xml';

/** Who the caller is, from the bearer token (the access layer provides the function). */
export type Authenticate = (req: Request) => Principal | null | undefined | Promise<Principal | null | undefined>;

/** An additional documented answer, e.g. 200 beside the usual 201. */
export interface ResponseDoc {
  description?: string;
  schema?: z.ZodType;
}

type Parsed<S, Absent> = S extends z.ZodType ? z.output<S> : Absent;
type Sendable<S> = S extends z.ZodType ? z.input<S> : unknown;
type ExtraBodies<X> = X extends Record<number, ResponseDoc> ? { [K in keyof X]: X[K] extends { schema: infer S } ? Sendable<S> : unknown }[keyof X] : never;

export interface RouteInput<P, Q, B, A extends AuthMode> {
  params: Parsed<P, Record<string, never>>;
  query: Parsed<Q, Record<string, never>>;
  body: Parsed<B, undefined>;
  /** The authenticated caller; always present on bearer routes. */
  principal: A extends 'none' ? undefined : Principal;
}

/** A result with a status or headers other than the route's defaults. */
export class Reply<T> {
  constructor(
    readonly body: T,
    readonly status: number | undefined,
    readonly headers: Readonly<Record<string, string>>,
  ) {}
}

export function reply<T>(body: T, options: { status?: number; headers?: Record<string, string> } = {}): Reply<T> {
  return new Reply(body, options.status, options.headers ?? {});
}

export type RouteResult<R, X> = Sendable<R> | Reply<Sendable<R> | ExtraBodies<X>>;

export interface RouteSpec<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
  X extends Record<number, ResponseDoc> | undefined = undefined,
  A extends AuthMode = 'bearer',
> {
  method: HttpMethod;
  /** Express path with `:name` parameters only, e.g. `/api/tasks/:id/complete`. */
  path: string;
  summary: string;
  description?: string;
  tags?: readonly string[];
  operationId?: string;
  /** Default 'bearer': the caller must be authenticated. */
  auth?: A;
  /** When given, the caller needs at least one of these roles (else 403). */
  roles?: readonly Role[];
  /** A z.object whose keys are exactly the path's parameters. Strings are coerced to numbers/booleans where the schema wants them. */
  params?: P;
  /** A z.object; query strings are coerced to numbers/booleans (and arrays) where the schema wants them. */
  query?: Q;
  /** The body schema. XML bodies arrive as a string. A body that may be left out: `.optional()`. */
  body?: B;
  /** Content types the body may have. Default ['json'] when there is a body. */
  accepts?: readonly BodyKind[];
  /** Body size limits for this route, overriding the app's. */
  bodyLimits?: BodyLimits;
  /** Status of a normal answer. Default 200. */
  status?: number;
  /** What the route answers with. Default 'json'; 'xml' sends the result string as application/xml. */
  produces?: ProducedType;
  /** The schema of the normal answer; the result is parsed through it before it is sent (unknown keys stripped). */
  response?: R;
  responseDescription?: string;
  /** Other success answers a handler can give with `reply(body, { status })`. */
  responses?: X;
  /** Error statuses this route can give beyond the automatic ones (400, 401/403 with auth, 413/415 with a body, 500). */
  errors?: readonly number[];
  deprecated?: boolean;
  handler: (input: RouteInput<P, Q, B, A>, req: Request, res: Response) => RouteResult<R, X> | Promise<RouteResult<R, X>>;
}

/** A declared route, as the shell mounts it and the OpenAPI builder reads it. */
export interface RouteDefinition {
  readonly method: HttpMethod;
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly operationId: string;
  readonly auth: AuthMode;
  readonly roles?: readonly Role[];
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  readonly bodyRequired: boolean;
  readonly accepts: readonly BodyKind[];
  readonly bodyLimits?: BodyLimits;
  readonly status: number;
  readonly produces: ProducedType;
  readonly response?: z.ZodType;
  readonly responseDescription?: string;
  readonly responses: Readonly<Record<number, ResponseDoc>>;
  readonly errors: readonly number[];
  readonly deprecated: boolean;
  readonly handler: (input: RouteInput<unknown, unknown, unknown, AuthMode>, req: Request, res: Response) => unknown;
}

const PATH_PATTERN = /^(\/([A-Za-z0-9._~-]+|:[A-Za-z_][A-Za-z0-9_]*))+$/;

function isObjectSchema(schema: z.ZodType): schema is z.ZodObject {
  return schema instanceof z.ZodObject;
}

/** Declares a route. Mistakes in the declaration throw here, at start-up, not at request time. */
export function defineRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
  X extends Record<number, ResponseDoc> | undefined = undefined,
  A extends AuthMode = 'bearer',
>(spec: RouteSpec<P, Q, B, R, X, A>): RouteDefinition {
  const where = `${spec.method.toUpperCase()} ${spec.path}`;
  if (!PATH_PATTERN.test(spec.path)) {
    throw new Error(`Route ${where}: the path may only hold literal segments and :name parameters`);
  }
  const pathParams = spec.path
    .split('/')
    .filter((segment) => segment.startsWith(':'))
    .map((segment) => segment.slice(1));
  if (spec.params !== undefined) {
    if (!isObjectSchema(spec.params)) throw new Error(`Route ${where}: params must be a z.object`);
    const keys = Object.keys(spec.params.shape).sort();
    if (keys.join(',') !== [...pathParams].sort().join(',')) {
      throw new Error(`Route ${where}: params schema keys (${keys.join(', ')}) differ from the path parameters (${pathParams.join(', ')})`);
    }
  } else if (pathParams.length > 0) {
    throw new Error(`Route ${where}: declare a params schema for ${pathParams.join(', ')}`);
  }
  if (spec.query !== undefined && !isObjectSchema(spec.query)) throw new Error(`Route ${where}: query must be a z.object`);
  const accepts = spec.accepts ?? (spec.body !== undefined ? ['json'] : []);
  if (spec.body !== undefined && accepts.length === 0) throw new Error(`Route ${where}: a body needs at least one accepted content type`);
  if (spec.body === undefined && spec.accepts !== undefined) throw new Error(`Route ${where}: accepts is given but no body schema`);
  const status = spec.status ?? 200;
  if (!Number.isInteger(status) || status < 200 || status > 299) throw new Error(`Route ${where}: status must be a 2xx code`);

  return {
    method: spec.method,
    path: spec.path,
    pathParams,
    summary: spec.summary,
    description: spec.description,
    tags: spec.tags ?? [],
    operationId: spec.operationId ?? defaultOperationId(spec.method, spec.path),
    auth: spec.auth ?? 'bearer',
    roles: spec.roles,
    params: spec.params,
    query: spec.query,
    body: spec.body,
    bodyRequired: spec.body !== undefined && !spec.body.safeParse(undefined).success,
    accepts,
    bodyLimits: spec.bodyLimits,
    status,
    produces: spec.produces ?? 'json',
    response: spec.response,
    responseDescription: spec.responseDescription,
    responses: spec.responses ?? {},
    errors: spec.errors ?? [],
    deprecated: spec.deprecated ?? false,
    handler: spec.handler as RouteDefinition['handler'],
  };
}

function defaultOperationId(method: HttpMethod, path: string): string {
  const words = path
    .split('/')
    .filter((segment) => segment !== '' && segment !== 'api')
    .map((segment) => (segment.startsWith(':') ? `by-${segment.slice(1)}` : segment))
    .join('-')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '');
  return [method, ...words].map((word, i) => (i === 0 ? word : word[0]!.toUpperCase() + word.slice(1))).join('');
}

// ---------------------------------------------------------------------------------------
// Coercion of path and query strings

type Def = { type: string; [key: string]: unknown };

function defOf(schema: unknown): Def {
  return (schema as { _zod: { def: Def } })._zod.def;
}

function toNumber(value: string): unknown {
  if (value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : value;
}

function toBoolean(value: string): unknown {
  switch (value.toLowerCase()) {
    case 'true':
    case '1':
      return true;
    case 'false':
    case '0':
      return false;
    case '':
      return undefined;
    default:
      return value;
  }
}

/** Turns a query/path string into what the schema expects, where that is unambiguous. */
export function coerceValue(schema: z.ZodType, value: unknown, depth = 0): unknown {
  if (depth > 20) return value;
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return coerceValue(def.innerType as z.ZodType, value, depth + 1);
    case 'pipe':
      return coerceValue(def.in as z.ZodType, value, depth + 1);
    case 'lazy':
      return coerceValue((def.getter as () => z.ZodType)(), value, depth + 1);
    case 'number':
      return typeof value === 'string' ? toNumber(value) : value;
    case 'boolean':
      return typeof value === 'string' ? toBoolean(value) : value;
    case 'array': {
      const items = typeof value === 'string' ? [value] : value;
      return Array.isArray(items) ? items.map((item) => coerceValue(def.element as z.ZodType, item, depth + 1)) : value;
    }
    case 'literal': {
      if (typeof value !== 'string') return value;
      const values = def.values as unknown[];
      if (values.includes(value)) return value;
      for (const literal of values) {
        if (typeof literal === 'number' && toNumber(value) === literal) return literal;
        if (typeof literal === 'boolean' && toBoolean(value) === literal) return literal;
      }
      return value;
    }
    case 'union': {
      for (const option of def.options as z.ZodType[]) {
        if (option.safeParse(value).success) return value;
      }
      for (const option of def.options as z.ZodType[]) {
        const coerced = coerceValue(option, value, depth + 1);
        if (coerced !== value && option.safeParse(coerced).success) return coerced;
      }
      return value;
    }
    default:
      return value;
  }
}

function coerceObject(schema: z.ZodType, raw: unknown): unknown {
  if (!isObjectSchema(schema) || typeof raw !== 'object' || raw === null) return raw;
  const shape = schema.shape as Record<string, z.ZodType>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const field = shape[key];
    out[key] = field === undefined ? value : coerceValue(field, value);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Validation

type Location = 'params' | 'query' | 'body';

/** Zod issues as API.md details: `{path, message}` where path names the field (`body.variables.amount`). */
export function issuesToDetails(location: string, issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    const base = [location, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) details.push({ path: `${base}.${key}`, message: 'Unknown field' });
    } else {
      details.push({ path: base, message: issue.message });
    }
  }
  return details;
}

function parsePart(location: Location, schema: z.ZodType | undefined, raw: unknown, details: ErrorDetail[]): unknown {
  if (schema === undefined) return location === 'body' ? undefined : {};
  const result = schema.safeParse(location === 'body' ? raw : coerceObject(schema, raw));
  if (result.success) return result.data;
  details.push(...issuesToDetails(location, result.error.issues));
  return undefined;
}

function invalidRequest(details: ErrorDetail[]): HttpError {
  const first = details[0]!;
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  return new HttpError(400, 'invalid_request', `The request is not valid: ${first.path}: ${first.message}${more}`, details);
}

// ---------------------------------------------------------------------------------------
// Mounting

export interface MountOptions {
  /** Needed as soon as one route has auth 'bearer'; mounting fails without it. */
  authenticate?: Authenticate;
  /** Body limits of the app; a route's `bodyLimits` win. */
  limits?: BodyLimits;
}

function authenticationStep(route: RouteDefinition, authenticate: Authenticate): RequestHandler {
  return async (req, res, next) => {
    const principal = await authenticate(req);
    if (principal === null || principal === undefined) {
      throw new HttpError(401, 'unauthenticated', 'Sign in first: send Authorization: Bearer <token>.', [], { 'WWW-Authenticate': 'Bearer' });
    }
    if (route.roles !== undefined && !route.roles.some((role) => principal.roles.includes(role))) {
      throw new HttpError(403, 'forbidden', `This needs one of the roles ${route.roles.join(', ')}.`);
    }
    res.locals.principal = principal;
    next();
  };
}

function schemaForStatus(route: RouteDefinition, status: number): z.ZodType | undefined {
  if (status === route.status) return route.response;
  return route.responses[status]?.schema ?? route.response;
}

function checkResponse(route: RouteDefinition, status: number, body: unknown): unknown {
  const schema = schemaForStatus(route, status);
  if (schema === undefined) return body;
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = issuesToDetails('response', result.error.issues)
    .slice(0, 5)
    .map((detail) => `${detail.path}: ${detail.message}`)
    .join('; ');
  throw new Error(`The answer of ${route.method.toUpperCase()} ${route.path} (${status}) does not match its response schema: ${problems}`);
}

function send(route: RouteDefinition, res: Response, result: unknown): void {
  if (res.headersSent) return; // the handler answered itself (e.g. a stream)
  const explicit = result instanceof Reply ? result : undefined;
  const status = explicit?.status ?? route.status;
  const body = explicit !== undefined ? explicit.body : result;
  if (explicit !== undefined) for (const [name, value] of Object.entries(explicit.headers)) res.setHeader(name, value);
  if (status === 204 || status === 205 || body === undefined) {
    res.status(status).end();
    return;
  }
  const output = checkResponse(route, status, body);
  if (route.produces === 'xml') {
    res.status(status).type('application/xml').send(String(output));
    return;
  }
  res.status(status).json(output);
}

function handlerStep(route: RouteDefinition): RequestHandler {
  return async (req, res) => {
    const details: ErrorDetail[] = [];
    const params = parsePart('params', route.params, req.params, details);
    const query = parsePart('query', route.query, req.query, details);
    const body = parsePart('body', route.body, req.body, details);
    if (details.length > 0) throw invalidRequest(details);
    const principal = res.locals.principal as Principal | undefined;
    const input = { params, query, body, principal } as RouteInput<unknown, unknown, unknown, AuthMode>;
    const result = await route.handler(input, req, res);
    send(route, res, result);
  };
}

/** The Express handler chain of one route. */
export function routeHandlers(route: RouteDefinition, options: MountOptions = {}): RequestHandler[] {
  const chain: RequestHandler[] = [
    (_req, res, next) => {
      setRoutePattern(res, route.path);
      next();
    },
  ];
  if (route.auth === 'bearer') {
    if (options.authenticate === undefined) {
      throw new Error(`Route ${route.method.toUpperCase()} ${route.path} needs authentication, but no authenticate function was given`);
    }
    chain.push(authenticationStep(route, options.authenticate));
  }
  if (route.body !== undefined) {
    chain.push(...bodyHandling({ accepts: route.accepts, required: route.bodyRequired, limits: { ...options.limits, ...route.bodyLimits } }));
  }
  chain.push(handlerStep(route));
  return chain;
}

/** An Express router holding the given routes. */
export function buildRouter(routes: readonly RouteDefinition[], options: MountOptions = {}): Router {
  const router = express.Router();
  for (const route of routes) router[route.method](route.path, ...routeHandlers(route, options));
  return router;
}
