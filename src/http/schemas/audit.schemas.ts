import { z } from 'zod';
import { pageOf, pageQueryShape } from '../paging.js';
import { DateTime, ResourceId } from './common.schemas.js';

export const AuditQuery = z.object({
  ...pageQueryShape,
  instanceId: ResourceId.optional(),
  actor: z.string().min(1).max(200).optional(),
  from: DateTime.optional().describe('Inclusive'),
  to: DateTime.optional().describe('Inclusive'),
});

export const AuditItem = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actor: z.string(),
    role: z.string().nullable(),
    organisation: z.string().nullable(),
    action: z.string(),
    resource: z.string(),
    instanceId: z.string().nullable(),
    outcome: z.enum(['allowed', 'denied', 'failed']),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'AuditEntry' });

export const AuditList = pageOf(AuditItem);

export const AuditVerification = z
  .object({
    valid: z.boolean(),
    entries: z.number().int(),
    firstBrokenAt: z.number().int().optional().describe('seq of the first entry that does not fit the chain'),
    lastHash: z.string().describe('Keep outside the store as an anchor'),
  })
  .meta({ id: 'AuditVerification' });
