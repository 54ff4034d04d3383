import type { CaseService } from '../../runtime/case-service.js';
import { defineRoute, type RouteDefinition } from '../route-registry.js';
import { CorrelationResult, MessageBody } from '../schemas/message.schemas.js';

export function messageRoutes({ cases }: { cases: CaseService }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/messages',
      summary: 'Send a message: correlate it to waiting cases, or start processes that begin with it',
      description: '404 `no_match` when no case waits for it and no process starts with it.',
      tags: ['Messages'],
      body: MessageBody,
      response: CorrelationResult,
      errors: [404],
      handler: ({ principal, body }) => cases.sendMessage(principal, body),
    }),
  ];
}
