import type { CaseService } from '../../runtime/case-service.js';
import { defineRoute, type RouteDefinition } from '../route-registry.js';
import { CorrelationResult, MessageBody, MessageListQuery, OutgoingMessageList } from '../schemas/message.schemas.js';

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
    defineRoute({
      method: 'get',
      path: '/api/messages',
      summary: 'Hand-overs the cases sent, newest first: delivered, or pending with the reason and the next attempt (administrators)',
      description: 'A pending message found no waiting case and no process that starts with it yet; Samenspel keeps trying with backoff. The variables it carries are not listed.',
      tags: ['Messages'],
      query: MessageListQuery,
      response: OutgoingMessageList,
      handler: ({ principal, query }) =>
        cases.listMessages(principal, {
          state: query.state,
          messageName: query.messageName,
          sourceInstanceId: query.sourceInstanceId,
          limit: query.limit,
          cursor: query.cursor,
        }),
    }),
  ];
}
