import { z } from 'zod';
import { TooManyRequestsError, UnauthenticatedError } from '../../../src/access/access-errors.js';
import { ConflictError, InvalidError, NotFoundError, UnavailableError } from '../../../src/errors.js';
import { pageOf, pageQueryShape } from '../../../src/http/paging.js';
import { defineRoute, reply, type RouteDefinition } from '../../../src/http/route-registry.js';

/**
 * A small router written the way resource routers are: schemas, one service call per
 * route, the result returned. It exercises every feature of the registry.
 */

export const ExampleWidget = z
  .object({
    id: z.string(),
    name: z.string(),
    size: z.number().int(),
    createdBy: z.string(),
  })
  .meta({ id: 'ExampleWidget', description: 'A widget of the example router' });

const WidgetId = z.string().regex(/^w-[a-z0-9]+$/, 'A widget id looks like w-123');

const NewWidget = z.strictObject({
  name: z.string().min(1),
  size: z.number().int().min(0),
  tags: z.array(z.string()).optional(),
});


interface Widget {
  id: string;
  name: string;
  size: number;
  createdBy: string;
}

export function createWidgetService() {
  const widgets = new Map<string, Widget>([['w-1', { id: 'w-1', name: 'First', size: 3, createdBy: 'u-admin' }]]);
  let next = 2;
  let lastImport = '';
  return {
    list: (limit: number, minSize: number | undefined) => [...widgets.values()].filter((w) => minSize === undefined || w.size >= minSize).slice(0, limit),
    get(id: string): Widget {
      const widget = widgets.get(id);
      if (widget === undefined) throw new NotFoundError('widget_not_found', `There is no widget ${id}.`);
      return widget;
    },
    create(by: string, input: { name: string; size: number }): Widget {
      const widget = { id: `w-${next++}`, name: input.name, size: input.size, createdBy: by };
      widgets.set(widget.id, widget);
      return widget;
    },
    import(xml: string): { changed: boolean; bytes: number } {
      const changed = xml !== lastImport;
      lastImport = xml;
      return { changed, bytes: Buffer.byteLength(xml) };
    },
  };
}

export function exampleRoutes(service = createWidgetService()): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/widgets',
      summary: 'List widgets',
      tags: ['Widgets'],
      query: z.object({
        ...pageQueryShape,
        minSize: z.number().int().optional(),
        withTags: z.boolean().default(false),
      }),
      response: pageOf(ExampleWidget).extend({ withTags: z.boolean(), limit: z.number() }),
      handler: ({ query }) => ({ items: service.list(query.limit, query.minSize), nextCursor: null, withTags: query.withTags, limit: query.limit }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/widgets/:id',
      summary: 'One widget',
      tags: ['Widgets'],
      params: z.object({ id: WidgetId }),
      response: ExampleWidget,
      errors: [404],
      handler: ({ params }) => service.get(params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/widgets',
      summary: 'Create a widget',
      tags: ['Widgets'],
      body: NewWidget,
      status: 201,
      response: ExampleWidget,
      handler: ({ body, principal }) => ({ ...service.create(principal.id, body), secret: 'must be stripped' }),
    }),
    defineRoute({
      method: 'put',
      path: '/api/widgets/:id/drawing',
      summary: 'Store the drawing (XML)',
      tags: ['Widgets'],
      params: z.object({ id: WidgetId }),
      body: z.string().min(1),
      accepts: ['xml'],
      response: z.object({ id: z.string(), bytes: z.number() }),
      handler: ({ params, body }) => ({ id: params.id, bytes: Buffer.byteLength(body) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/widgets/:id/drawing',
      summary: 'The drawing as XML',
      tags: ['Widgets'],
      params: z.object({ id: WidgetId }),
      produces: 'xml',
      handler: ({ params }) => `<?xml version="1.0" encoding="UTF-8"?><drawing widget="${service.get(params.id).id}"/>`,
    }),
    defineRoute({
      method: 'post',
      path: '/api/widgets/import',
      summary: 'Import a drawing as XML or as JSON {xml}',
      tags: ['Widgets'],
      roles: ['administrator'],
      body: z.union([z.string().min(1), z.strictObject({ xml: z.string().min(1) })]),
      accepts: ['json', 'xml'],
      status: 201,
      response: z.object({ bytes: z.number(), unchanged: z.boolean() }),
      responses: { 200: { description: 'Nothing changed' } },
      handler: ({ body }) => {
        const result = service.import(typeof body === 'string' ? body : body.xml);
        const answer = { bytes: result.bytes, unchanged: !result.changed };
        return result.changed ? answer : reply(answer, { status: 200 });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/widgets/:id/notes',
      summary: 'Add a note; the body may be left out',
      tags: ['Widgets'],
      params: z.object({ id: WidgetId }),
      body: z.strictObject({ text: z.string() }).optional(),
      status: 204,
      handler: ({ body }) => {
        void body;
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/ping',
      summary: 'No authentication needed',
      auth: 'none',
      response: z.object({ pong: z.literal(true), principal: z.null() }),
      handler: ({ principal }) => ({ pong: true as const, principal: principal ?? null }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/failures/:kind',
      summary: 'Throws the error named by kind',
      tags: ['Test'],
      params: z.object({ kind: z.enum(['conflict', 'invalid', 'unavailable', 'too-many', 'unauthenticated', 'bug', 'bad-answer']) }),
      body: z.object({ note: z.string() }).optional(),
      response: z.object({ ok: z.boolean() }),
      errors: [409, 422, 429, 503],
      handler: ({ params }) => {
        switch (params.kind) {
          case 'conflict':
            throw new ConflictError('task_already_completed', 'The task is already completed.');
          case 'invalid':
            throw new InvalidError('form_invalid', 'The form rejects the data.', [{ path: 'amount', rule: 'max', message: 'At most 10', value: 'x' } as never]);
          case 'unavailable':
            throw new UnavailableError('store_unavailable', 'The store cannot be reached.');
          case 'too-many':
            throw new TooManyRequestsError('rate_limited', 'Slow down.', 7);
          case 'unauthenticated':
            throw new UnauthenticatedError('token_expired', 'The token has expired.');
          case 'bug':
            throw new Error('BSN 123456782 of Jansen broke the mapper');
          case 'bad-answer':
            return { ok: 'yes' as unknown as boolean };
        }
      },
    }),
  ];
}
