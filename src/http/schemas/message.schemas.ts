import { z } from 'zod';
import { Variables } from './common.schemas.js';

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
