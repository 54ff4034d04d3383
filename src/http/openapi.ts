import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { ErrorBodySchema } from './http-error.js';
import { MEDIA_TYPES, type BodyKind } from './body-parsers.js';
import type { RouteDefinition } from './route-registry.js';

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests
 * (API.md). Schemas with an id (`.meta({ id: 'Task' })`) become `components.schemas`
 * entries; the rest are inlined.
 */

export type JsonSchema = Record<string, unknown>;

export interface OpenApiInfo {
  title?: string;
  version: string;
  description?: string;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description?: string };
  tags: { name: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, unknown>;
    securitySchemes: Record<string, unknown>;
  };
  security: Record<string, string[]>[];
}

export const BEARER_SCHEME = 'bearerAuth';

const ERROR_STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Malformed request (invalid JSON, wrong types, unknown fields)',
  401: 'Not authenticated',
  403: 'Not allowed',
  404: 'Unknown resource',
  409: 'Conflict (already completed, claimed by someone else, stale revision)',
  413: 'Body too large',
  415: 'Unsupported content type',
  422: 'A valid request that breaks a rule',
  429: 'Too many requests',
  500: 'Unexpected error',
  503: 'A dependency is unavailable; retry later',
};

const LOCAL_DEF = /^__/;
const COMPONENT_NAME = /[^A-Za-z0-9._-]/g;

/** Renders zod schemas to JSON Schema, gathering named ones in `components.schemas`. */
class SchemaCollector {
  readonly components: Record<string, JsonSchema> = {};

  render(schema: z.ZodType, io: 'input' | 'output', context: string): JsonSchema {
    const json = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
      override: (ctx) => {
        // Answers may gain fields (API.md: add fields freely); do not promise their absence
        // unless the object is declared strict.
        if (io === 'output' && ctx.zodSchema._zod.def.type === 'object' && (ctx.zodSchema._zod.def as { catchall?: unknown }).catchall === undefined) {
          if (ctx.jsonSchema.additionalProperties === false) delete ctx.jsonSchema.additionalProperties;
        }
      },
    }) as JsonSchema;
    delete json.$schema;
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
    delete json.$defs;

    const names = new Map<string, string>();
    for (const id of Object.keys(defs)) {
      names.set(id, LOCAL_DEF.test(id) ? `${context}${id}`.replace(COMPONENT_NAME, '_') : id.replace(COMPONENT_NAME, '_'));
    }
    // A named schema whose rendering differs between request (input) and answer (output),
    // e.g. because of defaults, gets a second component with a suffix.
    for (const [id, def] of Object.entries(defs)) {
      const name = names.get(id)!;
      const existing = this.components[name];
      if (existing !== undefined && !isDeepStrictEqual(existing, rewriteRefs(def, names))) {
        names.set(id, `${name}${io === 'input' ? 'Input' : 'Output'}`);
      }
    }
    for (const [id, def] of Object.entries(defs)) {
      const name = names.get(id)!;
      const rewritten = rewriteRefs(def, names) as JsonSchema;
      const existing = this.components[name];
      if (existing !== undefined && !isDeepStrictEqual(existing, rewritten)) {
        throw new Error(`OpenAPI: two different schemas are both named "${id}" (seen at ${context}); give them distinct ids`);
      }
      this.components[name] = rewritten;
    }
    return rewriteRefs(json, names) as JsonSchema;
  }
}

function rewriteRefs(value: unknown, names: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, names));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === '$ref' && typeof item === 'string' && item.startsWith('#/$defs/')) {
      const id = decodeURIComponent(item.slice('#/$defs/'.length));
      out[key] = `#/components/schemas/${names.get(id) ?? id}`;
    } else {
      out[key] = rewriteRefs(item, names);
    }
  }
  return out;
}

function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

function parameters(collector: SchemaCollector, route: RouteDefinition, where: 'path' | 'query'): unknown[] {
  const schema = where === 'path' ? route.params : route.query;
  if (schema === undefined) return [];
  const json = collector.render(schema, 'input', `${route.operationId}_${where}`);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

function unwrapType(schema: z.ZodType): string {
  let current = schema._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
  for (let i = 0; i < 10; i++) {
    if (current.innerType !== undefined) current = current.innerType._zod.def as typeof current;
    else if (current.type === 'pipe' && current.in !== undefined) current = current.in._zod.def as typeof current;
    else break;
  }
  return current.type;
}

/** The part of a body schema that applies to one content kind (a union of XML string | JSON object splits). */
function bodySchemaFor(schema: z.ZodType, kind: BodyKind): z.ZodType | undefined {
  const def = schema._zod.def as { type: string; options?: z.ZodType[] };
  if (def.type === 'union' && def.options !== undefined) {
    const options = def.options.filter((option) => (unwrapType(option) === 'string') === (kind === 'xml'));
    if (options.length === 0) return undefined;
    return options.length === 1 ? options[0] : z.union(options as [z.ZodType, z.ZodType, ...z.ZodType[]]);
  }
  if (kind === 'xml') return unwrapType(schema) === 'string' ? schema : undefined;
  return schema;
}

function requestBody(collector: SchemaCollector, route: RouteDefinition): unknown {
  if (route.body === undefined) return undefined;
  const content: Record<string, unknown> = {};
  for (const kind of route.accepts) {
    const part = bodySchemaFor(route.body, kind);
    const schema = part !== undefined ? collector.render(part, 'input', `${route.operationId}_body`) : kind === 'xml' ? { type: 'string' } : {};
    for (const mediaType of MEDIA_TYPES[kind]) content[mediaType] = { schema };
  }
  return { required: route.bodyRequired, content };
}

function successResponse(collector: SchemaCollector, route: RouteDefinition, status: number, description: string, schema: z.ZodType | undefined): unknown {
  if (status === 204 || status === 205) return { description };
  if (route.produces === 'xml') {
    return { description, content: { 'application/xml': { schema: schema !== undefined ? collector.render(schema, 'output', `${route.operationId}_${status}`) : { type: 'string' } } } };
  }
  return { description, content: { 'application/json': { schema: schema !== undefined ? collector.render(schema, 'output', `${route.operationId}_${status}`) : {} } } };
}

function errorStatuses(route: RouteDefinition): number[] {
  const statuses = new Set<number>(route.errors);
  if (route.params !== undefined || route.query !== undefined || route.body !== undefined) statuses.add(400);
  if (route.auth === 'bearer') {
    statuses.add(401);
    statuses.add(403);
  }
  if (route.body !== undefined) {
    statuses.add(413);
    statuses.add(415);
  }
  statuses.add(500);
  return [...statuses].sort((a, b) => a - b);
}

function describe(route: RouteDefinition): string | undefined {
  const roles = route.roles !== undefined ? `Roles: ${route.roles.join(', ')}.` : undefined;
  const text = [route.description, roles].filter((part) => part !== undefined).join('\n\n');
  return text === '' ? undefined : text;
}

function operation(collector: SchemaCollector, route: RouteDefinition): Record<string, unknown> {
  const responses: Record<string, unknown> = {
    [String(route.status)]: successResponse(collector, route, route.status, route.responseDescription ?? 'Success', route.response),
  };
  for (const [status, doc] of Object.entries(route.responses)) {
    responses[status] = successResponse(collector, route, Number(status), doc.description ?? 'Success', doc.schema ?? route.response);
  }
  for (const status of errorStatuses(route)) {
    if (responses[String(status)] === undefined) responses[String(status)] = { $ref: `#/components/responses/Error${status}` };
  }
  const op: Record<string, unknown> = {
    operationId: route.operationId,
    summary: route.summary,
  };
  const description = describe(route);
  if (description !== undefined) op.description = description;
  if (route.tags.length > 0) op.tags = [...route.tags];
  if (route.deprecated) op.deprecated = true;
  op.security = route.auth === 'bearer' ? [{ [BEARER_SCHEME]: [] }] : [];
  const params = [...parameters(collector, route, 'path'), ...parameters(collector, route, 'query')];
  if (params.length > 0) op.parameters = params;
  const body = requestBody(collector, route);
  if (body !== undefined) op.requestBody = body;
  op.responses = responses;
  return op;
}

export function buildOpenApiDocument(routes: readonly RouteDefinition[], info: OpenApiInfo): OpenApiDocument {
  const collector = new SchemaCollector();
  const errorSchema = collector.render(ErrorBodySchema, 'output', 'error');
  const paths: Record<string, Record<string, unknown>> = {};
  const operationIds = new Set<string>();
  const tags = new Set<string>();
  for (const route of routes) {
    if (operationIds.has(route.operationId)) throw new Error(`OpenAPI: operationId ${route.operationId} is used twice`);
    operationIds.add(route.operationId);
    const path = openApiPath(route.path);
    const item = (paths[path] ??= {});
    if (item[route.method] !== undefined) throw new Error(`OpenAPI: ${route.method.toUpperCase()} ${route.path} is declared twice`);
    item[route.method] = operation(collector, route);
    for (const tag of route.tags) tags.add(tag);
  }
  const usedErrors = new Set<number>();
  for (const item of Object.values(paths)) {
    for (const op of Object.values(item) as { responses: Record<string, { $ref?: string }> }[]) {
      for (const response of Object.values(op.responses)) {
        const match = /Error(\d+)$/.exec(response.$ref ?? '');
        if (match !== null) usedErrors.add(Number(match[1]));
      }
    }
  }
  const responses: Record<string, unknown> = {};
  for (const status of [...usedErrors].sort((a, b) => a - b)) {
    responses[`Error${status}`] = {
      description: ERROR_STATUS_TEXT[status] ?? `Error ${status}`,
      ...(status === 429 || status === 503 ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } } } : {}),
      content: { 'application/json': { schema: errorSchema } },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title ?? 'Samenspel API',
      version: info.version,
      ...(info.description !== undefined ? { description: info.description } : {}),
    },
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: {
      schemas: collector.components,
      responses,
      securitySchemes: { [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', description: 'A session token from POST /api/session, or an OIDC access token' } },
    },
    security: [{ [BEARER_SCHEME]: [] }],
  };
}
