import { z } from 'zod';
import { ProcessKey } from './common.schemas.js';

export const DeadlineReportQuery = z.object({ definitionKey: ProcessKey.optional() });

export const DeadlineReport = z
  .object({
    at: z.string(),
    total: z.number().int().describe('Open tasks past their due date'),
    items: z.array(
      z.object({
        definitionKey: z.string(),
        elementId: z.string(),
        name: z.string(),
        organisations: z.array(z.string()).describe('Organisations of the step\'s candidate groups'),
        overdue: z.number().int(),
        oldestDueAt: z.string(),
      }),
    ),
  })
  .meta({ id: 'DeadlineReport' });

export const HandoverOverview = z
  .object({
    at: z.string(),
    items: z.array(
      z.object({
        id: z.string(),
        messageName: z.string(),
        correlationKey: z.string().nullable(),
        fromInstanceId: z.string(),
        fromProcess: z.string().nullable(),
        fromOrganisation: z.string().nullable(),
        toInstanceIds: z.array(z.string()),
        toProcesses: z.array(z.string()),
        toOrganisations: z.array(z.string()),
        sentAt: z.string(),
        state: z.string().describe('pending or delivered'),
        deliveredAt: z.string().nullable(),
        attempts: z.number().int(),
        lastError: z.string().nullable(),
        feedback: z.enum(['closed', 'awaiting', 'overdue', 'none']),
        feedbackMessage: z.string().nullable(),
        feedbackDueAt: z.string().nullable(),
        feedbackAt: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'HandoverOverview' });
