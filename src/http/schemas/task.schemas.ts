import { z } from 'zod';
import { pageOf, pageQueryShape } from '../paging.js';
import { ProcessKey, ResourceId, Variables } from './common.schemas.js';

export const TaskParams = z.object({ id: ResourceId });

export const TaskListQuery = z.object({
  ...pageQueryShape,
  state: z.enum(['open', 'completed', 'cancelled']).optional().describe('Default open'),
  assignee: z.literal('me').optional(),
  candidate: z.literal('me').optional(),
  definitionKey: ProcessKey.optional(),
  instanceId: ResourceId.optional(),
  businessKey: z.string().min(1).max(200).optional(),
  overdue: z.boolean().optional().describe('true: only tasks whose due date has passed'),
});

export const Task = z
  .object({
    id: z.string(),
    instanceId: z.string(),
    definitionKey: z.string(),
    elementId: z.string(),
    name: z.string(),
    candidateGroups: z.array(z.string()),
    assignee: z.string().nullable(),
    createdAt: z.string(),
    dueAt: z.string().nullable(),
    formId: z.string().nullable(),
    state: z.string().describe('open, completed or cancelled'),
    businessKey: z.string().nullable(),
    completedAt: z.string().nullable(),
    completedBy: z.string().nullable(),
  })
  .meta({ id: 'Task' });

export const TaskList = pageOf(Task);

export const TaskDetail = Task.extend({
  form: z.record(z.string(), z.unknown()).nullable().describe('The form-js schema'),
  variables: z.record(z.string(), z.unknown()).describe('The case variables and task inputs the caller may see'),
}).meta({ id: 'TaskDetail' });

export const DelegateBody = z.strictObject({ userId: z.string().min(1).max(200) });

export const CompleteBody = z.strictObject({ variables: Variables.default({}) });

export const CompleteResult = z
  .object({
    task: Task,
    instance: z.object({ id: z.string(), status: z.enum(['active', 'completed', 'cancelled', 'incident']) }),
  })
  .meta({ id: 'CompletedTask' });

export const TaskDiagram = z
  .object({
    definitionKey: z.string(),
    version: z.number().int(),
    xml: z.string().describe('The BPMN XML of the case\'s process version'),
    activeElementIds: z.array(z.string()).describe('Elements with an open task in the case'),
    status: z.string(),
  })
  .meta({ id: 'TaskDiagram' });

export const TaskCandidates = z
  .object({ items: z.array(z.object({ id: z.string(), name: z.string(), groups: z.array(z.string()) })) })
  .meta({ id: 'TaskCandidates' });
