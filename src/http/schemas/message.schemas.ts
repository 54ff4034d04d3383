import { z } from 'zod';
import { pageOf, pageQueryShape } from '../paging.js';
import { ResourceId, Variables } from './common.schemas.js';

export const MessageBody = z.strictObject({
  name: z.string().min(1).max(255).describe('The BPMN message name'),
  correlationKey: z.string().min(1).max(500).nullable().optional(),
  variables: Variables.optional(),
});

export const CorrelationResult = z
  .object({
    correlated: z.array(z.object({ instanceId: z.string() })),
    started: z.array(z.object({ instanceId: z.string() })),
  })
  .meta({ id: 'CorrelationResult' });

export const MessageListQuery = z.object({
  ...pageQueryShape,
  state: z.enum(['pending', 'delivered']).optional().describe('pending: not delivered yet (no receiver so far)'),
  messageName: z.string().min(1).max(255).optional(),
  sourceInstanceId: ResourceId.optional().describe('Only the hand-overs this case sent'),
});

export const OutgoingMessage = z
  .object({
    id: z.string(),
    messageName: z.string(),
    correlationKey: z.string().nullable(),
    sourceInstanceId: z.string(),
    sourceElementId: z.string(),
    createdAt: z.string(),
    state: z.enum(['pending', 'delivered']),
    attempts: z.number().int().describe('Delivery attempts that found no receiver or failed'),
    lastError: z.string().nullable().describe('Why the last attempt did not deliver it'),
    nextAttemptAt: z.string().nullable().describe('When Samenspel tries again (pending only)'),
    deliveredAt: z.string().nullable(),
    deliveredTo: z.array(z.string()).describe('Cases that received it or were started by it'),
  })
  .meta({ id: 'OutgoingMessage' });

export const OutgoingMessageList = pageOf(OutgoingMessage);
