/**
 * Cases (instances) as callers see them: every call is decided by the policy, audited,
 * and answers only the variables the caller's organisation may see.
 */
import type { Guard } from '../access/guarded.js';
import type { AuditService } from '../access/audit-service.js';
import { authorize, seesTask, type PolicyAction } from '../access/policy.js';
import type { Principal } from '../access/principal.js';
import { commentAudience, visibilityRules, visibleComments, visibleVariables, type VisibilityRules } from '../access/variable-visibility.js';
import { NotFoundError } from '../errors.js';
import type { CommentRecord, InstanceQuery, InstanceRecord, InstanceStatus, OutboxQuery, Store, TaskRecord, Variables } from '../store/port.js';
import type { Clock } from '../clock.js';
import type { ModifyInstruction } from '../engine/engine-adapter.js';
import type { Runtime } from './runtime.js';

export interface InstanceSummary {
  id: string;
  definitionKey: string;
  version: number;
  businessKey: string | null;
  status: InstanceStatus;
  startedAt: string;
  endedAt: string | null;
  incidentCount: number;
}

export interface TaskView {
  id: string;
  instanceId: string;
  definitionKey: string;
  elementId: string;
  name: string;
  candidateGroups: string[];
  assignee: string | null;
  createdAt: string;
  dueAt: string | null;
  formId: string | null;
  state: string;
  businessKey: string | null;
  completedAt: string | null;
  completedBy: string | null;
}

export function summarise(instance: InstanceRecord): InstanceSummary {
  return {
    id: instance.id,
    definitionKey: instance.definitionKey,
    version: instance.definitionVersion,
    businessKey: instance.businessKey,
    status: instance.status,
    startedAt: instance.startedAt,
    endedAt: instance.endedAt,
    incidentCount: instance.incidents.length,
  };
}

export function taskView(task: TaskRecord): TaskView {
  return {
    id: task.id,
    instanceId: task.instanceId,
    definitionKey: task.definitionKey,
    elementId: task.elementId,
    name: task.name,
    candidateGroups: task.candidateGroups,
    assignee: task.assignee,
    createdAt: task.createdAt,
    dueAt: task.dueAt,
    formId: task.formId,
    state: task.state,
    businessKey: task.businessKey,
    completedAt: task.completedAt,
    completedBy: task.completedBy,
  };
}

export interface CaseServiceOptions {
  store: Store;
  runtime: Runtime;
  guard: Guard;
  audit: AuditService;
  clock: Clock;
  ids: () => string;
}

export function createCaseService(options: CaseServiceOptions) {
  const { store, runtime, guard } = options;

  /** The instance with all its tasks, or 404 — the same for unknown and unseen ids. */
  async function loadCase(id: string): Promise<{ instance: InstanceRecord; tasks: TaskRecord[] }> {
    const instance = await store.instances.get(id);
    if (!instance) throw new NotFoundError('instance_not_found', `no instance "${id}"`);
    return { instance, tasks: await store.instances.tasksOfInstance(id) };
  }

  /** Loads the case and runs `run` under the policy; a probe of an unknown id is audited too. */
  async function onCase<T>(
    principal: Principal,
    action: Extract<PolicyAction, 'instance.read' | 'instance.cancel' | 'instance.migrate' | 'instance.modify' | 'incident.retry' | 'comment.read' | 'comment.add'>,
    id: string,
    details: Record<string, string | number | boolean | null> | undefined,
    run: (loaded: { instance: InstanceRecord; tasks: TaskRecord[] }) => Promise<T>,
  ): Promise<T> {
    let loaded: { instance: InstanceRecord; tasks: TaskRecord[] };
    try {
      loaded = await loadCase(id);
    } catch (err) {
      if (err instanceof NotFoundError) {
        await options.audit.recordFor(principal, { action, resource: `instance/${id}`, instanceId: null, outcome: 'failed', details: { ...details, code: err.code } });
      }
      throw err;
    }
    return guard(principal, action, { resource: `instance/${id}`, instanceId: id, details }, () => run(loaded), {
      instanceId: id,
      tasks: loaded.tasks,
    });
  }

  /** Visibility rules of the version: diagram settings plus the forms' field rules. */
  async function rulesFor(instance: InstanceRecord): Promise<VisibilityRules> {
    const definition = await runtime.definitions.version(instance.definitionKey, instance.definitionVersion);
    const forms = await Promise.all(
      Object.entries(definition.forms).map(([formId, version]) => store.definitions.getFormVersion(formId, version)),
    );
    return visibilityRules(definition.settings, forms.filter((form) => form !== null).map((form) => form!.schema));
  }

  async function activeElements(instance: InstanceRecord, tasks: TaskRecord[]) {
    if (instance.status === 'completed' || instance.status === 'cancelled') return { elements: [], timers: [] };
    const [timers, subscriptions, compiled] = await Promise.all([
      store.instances.timersOfInstance(instance.id),
      store.instances.subscriptionsOfInstance(instance.id),
      runtime.definitions.compile(instance.definitionKey, instance.definitionVersion),
    ]);
    const ids = new Set<string>([
      ...tasks.filter((task) => task.state === 'open').map((task) => task.elementId),
      ...timers.map((timer) => timer.elementId),
      ...subscriptions.map((sub) => sub.elementId),
      ...instance.incidents.map((incident) => incident.elementId),
    ]);
    return {
      elements: [...ids].map((elementId) => {
        const element = compiled.model.elements.get(elementId);
        return { elementId, name: element?.name ?? elementId, type: element?.type ?? 'unknown' };
      }),
      timers: timers.map((timer) => ({ elementId: timer.elementId, dueAt: timer.dueAt })),
    };
  }

  return {
    async start(
      principal: Principal,
      input: { definitionKey: string; version?: number; businessKey?: string | null; variables?: Variables },
    ): Promise<InstanceSummary> {
      const definition = await runtime.definitions.version(input.definitionKey, input.version);
      // The id is chosen before the start, so the entry written before the action already
      // names the case (per-case audit queries find its start). An entry written after the
      // start could fail on its own and turn a started case into an error answer.
      const instanceId = runtime.context.ids();
      const result = await guard(
        principal,
        'instance.start',
        { resource: `definition/${definition.key}`, instanceId, details: { version: definition.version } },
        () => runtime.startInstance({ ...input, version: definition.version }, principal.id, instanceId),
        { definition },
      );
      return summarise(result.instance);
    },

    async list(principal: Principal, query: InstanceQuery) {
      const page = await guard(principal, 'instance.list', { resource: 'instances' }, () => store.instances.list(query));
      return { items: page.items.map(summarise), nextCursor: page.nextCursor };
    },

    async get(principal: Principal, id: string) {
      return onCase(principal, 'instance.read', id, undefined, async ({ instance, tasks }) => {
        const [rules, active] = await Promise.all([rulesFor(instance), activeElements(instance, tasks)]);
        return {
          ...summarise(instance),
          variables: visibleVariables(principal, instance.variables, rules),
          activeElements: active.elements,
          timers: active.timers,
          tasks: tasks.filter((task) => seesTask(principal, task)).map(taskView),
          incidents: instance.incidents.map(({ id: incidentId, elementId, message, at }) => ({ id: incidentId, elementId, message, at })),
        };
      });
    },

    async history(principal: Principal, id: string) {
      return onCase(principal, 'instance.read', id, { part: 'history' }, async () => {
        const events = await store.instances.history(id);
        const admin = principal.roles.includes('administrator');
        return {
          items: events.map((event) => ({
            at: event.at,
            type: event.type,
            elementId: event.elementId,
            actor: event.actor,
            // Event data may quote case data: only administrators get it.
            ...(admin && event.data ? { data: event.data } : {}),
          })),
          nextCursor: null,
        };
      });
    },

    async cancel(principal: Principal, id: string, reason: string) {
      return onCase(principal, 'instance.cancel', id, undefined, async () => summarise(await runtime.cancelInstance(id, reason, principal.id)));
    },

    async retry(principal: Principal, id: string, incidentId: string) {
      return onCase(principal, 'incident.retry', id, { incidentId }, async () =>
        summarise((await runtime.retryIncident(id, incidentId, principal.id)).instance),
      );
    },

    /** Where each waiting element would move, without changing anything. */
    async previewMigration(principal: Principal, id: string, input: { toVersion: number; mapping?: Record<string, string> }) {
      return onCase(principal, 'instance.migrate', id, { toVersion: input.toVersion, preview: true }, () =>
        runtime.planMigration(id, input.toVersion, input.mapping),
      );
    },

    async migrate(principal: Principal, id: string, input: { toVersion: number; mapping?: Record<string, string> }) {
      return onCase(principal, 'instance.migrate', id, { toVersion: input.toVersion }, async () => {
        const result = await runtime.migrateInstance(id, input, principal.id);
        return { ...summarise(result.instance), moves: result.plan.moves };
      });
    },

    async modify(principal: Principal, id: string, input: { reason: string; instructions: ModifyInstruction[] }) {
      return onCase(principal, 'instance.modify', id, { instructions: input.instructions.length }, async () => {
        const result = await runtime.modifyInstance(id, input, principal.id);
        return {
          ...summarise(result.instance),
          activeElements: result.outcome.activeElements.map(({ elementId, name, type }) => ({ elementId, name, type })),
        };
      });
    },

    async comments(principal: Principal, id: string) {
      return onCase(principal, 'comment.read', id, { part: 'comments' }, async () => ({
        items: visibleComments(principal, await store.comments.list(id)),
        nextCursor: null,
      }));
    },

    async addComment(principal: Principal, id: string, input: { text: string; taskId?: string; visibleTo?: string[] }) {
      return onCase(principal, 'comment.add', id, undefined, async ({ tasks }) => {
        if (input.taskId && !tasks.some((task) => task.id === input.taskId)) {
          throw new NotFoundError('task_not_found', `no task "${input.taskId}" in this case`);
        }
        const comment: CommentRecord = {
          id: options.ids(),
          instanceId: id,
          taskId: input.taskId ?? null,
          text: input.text,
          author: principal.id,
          organisation: principal.organisation,
          at: options.clock.now().toISOString(),
          visibleTo: commentAudience(principal, input.visibleTo),
        };
        await store.comments.add(comment);
        return comment;
      });
    },

    async sendMessage(principal: Principal, input: { name: string; correlationKey?: string | null; variables?: Variables }) {
      return guard(principal, 'message.send', { resource: `message/${input.name}` }, () => runtime.correlateMessage(input, principal.id));
    },

    /**
     * The hand-overs cases sent (outbox), newest first: whether each was delivered and to
     * whom, or why not yet and when the next attempt is. Without the message's variables.
     */
    async listMessages(principal: Principal, query: OutboxQuery) {
      const page = await guard(principal, 'message.list', { resource: 'messages' }, () => store.outbox.list(query));
      return {
        items: page.items.map((message) => ({
          id: message.id,
          messageName: message.messageName,
          correlationKey: message.correlationKey,
          sourceInstanceId: message.sourceInstanceId,
          sourceElementId: message.sourceElementId,
          createdAt: message.createdAt,
          state: message.state ?? 'pending',
          attempts: message.attempts,
          lastError: message.lastError,
          nextAttemptAt: message.state === 'delivered' ? null : message.dueAt,
          deliveredAt: message.deliveredAt ?? null,
          deliveredTo: message.deliveredTo ?? [],
        })),
        nextCursor: page.nextCursor,
      };
    },

    /** Throws the policy's error when the caller may not read the case (for other services). */
    async assertReadable(principal: Principal, id: string): Promise<{ instance: InstanceRecord; tasks: TaskRecord[] }> {
      const loaded = await loadCase(id);
      authorize(principal, 'instance.read', { instanceId: id, tasks: loaded.tasks });
      return loaded;
    },
    rulesFor,
  };
}

export type CaseService = ReturnType<typeof createCaseService>;
