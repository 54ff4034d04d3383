import { z } from 'zod';
import { pageOf, pageQueryShape } from '../paging.js';
import { ProcessKey, ResourceId, Variables, Version } from './common.schemas.js';
import { Task } from './task.schemas.js';

export const InstanceStatus = z.enum(['active', 'completed', 'cancelled', 'incident']);

export const InstanceParams = z.object({ id: ResourceId });
export const IncidentParams = z.object({ id: ResourceId, incidentId: ResourceId });

export const StartInstanceBody = z.strictObject({
  definitionKey: ProcessKey,
  version: Version.optional().describe('Default: the latest version'),
  businessKey: z.string().min(1).max(200).nullable().optional(),
  variables: Variables.optional(),
});

export const InstanceListQuery = z.object({
  ...pageQueryShape,
  definitionKey: ProcessKey.optional(),
  version: Version.optional(),
  status: InstanceStatus.optional(),
  businessKey: z.string().min(1).max(200).optional(),
  withIncidents: z.boolean().optional().describe('true: only instances with an open incident'),
});

export const InstanceSummary = z
  .object({
    id: z.string(),
    definitionKey: z.string(),
    version: z.number().int(),
    businessKey: z.string().nullable(),
    status: InstanceStatus,
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    incidentCount: z.number().int(),
  })
  .meta({ id: 'InstanceSummary' });

export const InstanceList = pageOf(InstanceSummary);

export const ActiveElement = z.object({ elementId: z.string(), name: z.string(), type: z.string() }).meta({ id: 'ActiveElement' });

export const Incident = z.object({ id: z.string(), elementId: z.string(), message: z.string(), at: z.string() }).meta({ id: 'Incident' });

export const InstanceDetail = InstanceSummary.extend({
  variables: z.record(z.string(), z.unknown()).describe('Only the variables the caller may see'),
  activeElements: z.array(ActiveElement),
  tasks: z.array(Task),
  timers: z.array(z.object({ elementId: z.string(), dueAt: z.string() })),
  incidents: z.array(Incident),
}).meta({ id: 'Instance' });

export const HistoryItem = z
  .object({
    at: z.string(),
    type: z.string(),
    elementId: z.string().nullable(),
    actor: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).optional().describe('Administrators only'),
  })
  .meta({ id: 'HistoryEvent' });

export const History = pageOf(HistoryItem);

export const CancelBody = z.strictObject({ reason: z.string().min(1).max(1000) });

export const MigrateBody = z.strictObject({
  toVersion: Version,
  mapping: z.record(z.string().min(1).max(255), z.string().min(1).max(255)).optional().describe('fromElementId -> toElementId'),
});

const ModifyInstruction = z.union([
  z.strictObject({ cancel: z.string().min(1).max(255).describe('An active element to cancel') }),
  z.strictObject({ startBefore: z.string().min(1).max(255).describe('An element to start') }),
]);

export const ModifyBody = z.strictObject({
  reason: z.string().min(1).max(1000),
  instructions: z.array(ModifyInstruction).min(1).max(100),
});

export const ModifyResult = InstanceSummary.extend({ activeElements: z.array(ActiveElement) }).meta({ id: 'ModifiedInstance' });

export const Comment = z
  .object({
    id: z.string(),
    instanceId: z.string(),
    taskId: z.string().nullable(),
    text: z.string(),
    author: z.string(),
    organisation: z.string().nullable(),
    at: z.string(),
    visibleTo: z.array(z.string()).nullable(),
  })
  .meta({ id: 'Comment' });

export const CommentList = pageOf(Comment);

export const CommentBody = z.strictObject({
  text: z.string().min(1).max(10_000),
  taskId: ResourceId.optional(),
  visibleTo: z.array(z.string().min(1).max(100)).max(20).optional().describe('Organisations that may read it (yours is added); default: everyone in the case'),
});

export const CaseExport = z
  .object({
    exportedAt: z.string(),
    instance: z.unknown().describe('The case record (without engine state)'),
    tasks: z.array(z.unknown()),
    history: z.array(z.unknown()),
    comments: z.array(z.unknown()),
    timers: z.array(z.unknown()),
    subscriptions: z.array(z.unknown()),
    messagesSent: z.array(z.unknown()),
    auditTrail: z.array(z.unknown()),
  })
  .meta({ id: 'CaseExport' });

export const MigrationPlan = z
  .object({
    fromVersion: z.number().int(),
    toVersion: z.number().int(),
    moves: z.array(z.object({ from: z.string(), to: z.string(), name: z.string() })),
  })
  .meta({ id: 'MigrationPlan' });

export const MigrateResult = InstanceSummary.extend({
  moves: z.array(z.object({ from: z.string(), to: z.string(), name: z.string() })),
}).meta({ id: 'MigratedInstance' });
