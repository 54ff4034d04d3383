import type { Operations } from '../operations.js';
import { defineRoute, type RouteDefinition } from '../route-registry.js';
import { RetentionDue, RetentionRun } from '../schemas/operations.schemas.js';

export function retentionRoutes({ operations }: { operations: Operations }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/retention/due',
      summary: 'Ended cases whose retention period is over, per process (administrators)',
      tags: ['Retention'],
      response: RetentionDue,
      handler: ({ principal }) => operations.retentionDue(principal),
    }),
    defineRoute({
      method: 'post',
      path: '/api/retention/run',
      summary: 'Delete the case data that is due now (administrators; also runs daily)',
      tags: ['Retention'],
      response: RetentionRun,
      handler: ({ principal }) => operations.runRetention(principal),
    }),
  ];
}
