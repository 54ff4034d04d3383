import { z } from 'zod';

export const Health = z
  .object({ status: z.literal('ok'), store: z.enum(['sqlite', 'mongodb']), version: z.string() })
  .meta({ id: 'Health' });

export const RetentionDue = z
  .object({
    items: z.array(
      z.object({
        definitionKey: z.string(),
        retentionDays: z.number().int(),
        endedBefore: z.string(),
        instances: z.array(z.object({ id: z.string(), businessKey: z.string().nullable(), status: z.string(), endedAt: z.string().nullable() })),
      }),
    ),
  })
  .meta({ id: 'RetentionDue' });

export const RetentionRun = z.object({ purged: z.number().int() }).meta({ id: 'RetentionRun' });
