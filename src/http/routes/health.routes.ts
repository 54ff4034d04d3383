import { defineRoute, type RouteDefinition } from '../route-registry.js';
import { Health } from '../schemas/operations.schemas.js';

export function healthRoutes({ store, version }: { store: { kind: 'sqlite' | 'mongodb' }; version: string }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/health',
      summary: 'Liveness: the server answers, with its store and version',
      tags: ['Operations'],
      auth: 'none',
      response: Health,
      handler: () => ({ status: 'ok' as const, store: store.kind, version }),
    }),
  ];
}
