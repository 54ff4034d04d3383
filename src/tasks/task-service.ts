/**
 * User tasks as case workers see them: lists scoped by the policy, a task with its form
 * and the variables the caller's organisation may see, and the task commands.
 */
import type { AuditService } from '../access/audit-service.js';
import type { Guard } from '../access/guarded.js';
import { mayTakeTask, taskQueryScope, type PolicyAction } from '../access/policy.js';
import type { Principal } from '../access/principal.js';
import { visibleVariables } from '../access/variable-visibility.js';
import { NotFoundError } from '../errors.js';
import { summarise, taskView, type CaseService } from '../runtime/case-service.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Store, TaskQuery, TaskRecord, TaskState, Variables } from '../store/port.js';

export interface TaskListQuery {
  state?: TaskState;
  assignee?: 'me';
  candidate?: 'me';
  definitionKey?: string;
  instanceId?: string;
  businessKey?: string;
  overdue?: boolean;
  limit?: number;
  cursor?: string;
}

export interface TaskServiceOptions {
  store: Store;
  runtime: Runtime;
  cases: CaseService;
  guard: Guard;
  audit: AuditService;
  now: () => Date;
}

export function createTaskService(options: TaskServiceOptions) {
  const { store, runtime, guard } = options;

  async function onTask<T>(
    principal: Principal,
    action: Extract<PolicyAction, 'task.read' | 'task.claim' | 'task.unclaim' | 'task.complete'>,
    id: string,
    run: (task: TaskRecord) => Promise<T>,
  ): Promise<T> {
    const task = await store.instances.getTask(id);
    if (!task) {
      await options.audit.recordFor(principal, { action, resource: `task/${id}`, outcome: 'failed', details: { code: 'task_not_found' } });
      throw new NotFoundError('task_not_found', `no task "${id}"`);
    }
    return guard(principal, action, { resource: `task/${id}`, instanceId: task.instanceId }, () => run(task), { task });
  }

  return {
    async list(principal: Principal, query: TaskListQuery) {
      const scope = taskQueryScope(principal);
      if (!scope) return { items: [], nextCursor: null };
      const taskQuery: TaskQuery = {
        ...scope,
        state: query.state ?? 'open',
        definitionKey: query.definitionKey,
        instanceId: query.instanceId,
        businessKey: query.businessKey,
        limit: query.limit,
        cursor: query.cursor,
      };
      if (query.assignee === 'me') taskQuery.assignee = principal.id;
      if (query.candidate === 'me') taskQuery.visibleTo = { userId: principal.id, groups: [...principal.groups] };
      if (query.overdue) taskQuery.dueBefore = options.now().toISOString();
      const page = await store.instances.listTasks(taskQuery);
      await options.audit.recordFor(principal, { action: 'task.list', resource: 'tasks', outcome: 'allowed', details: { count: page.items.length } });
      return { items: page.items.map(taskView), nextCursor: page.nextCursor };
    },

    async get(principal: Principal, id: string) {
      return onTask(principal, 'task.read', id, async (task) => {
        const instance = await store.instances.get(task.instanceId);
        if (!instance) throw new NotFoundError('task_not_found', `no task "${id}"`);
        const definition = await runtime.definitions.version(task.definitionKey, task.definitionVersion);
        const formVersion = task.formId ? (task.formVersion ?? definition.forms[task.formId]) : undefined;
        const form = task.formId && formVersion !== undefined ? await store.definitions.getFormVersion(task.formId, formVersion) : null;
        const rules = await options.cases.rulesFor(instance);
        return {
          ...taskView(task),
          form: form?.schema ?? null,
          // Prefill: the case variables and the task's inputs the caller may see.
          variables: visibleVariables(principal, { ...instance.variables, ...task.input }, rules),
        };
      });
    },

    /** The diagram of the task's process version, for the read-only case view beside the form. */
    async diagram(principal: Principal, id: string) {
      return onTask(principal, 'task.read', id, async (task) => {
        const definition = await runtime.definitions.version(task.definitionKey, task.definitionVersion);
        const instance = await store.instances.get(task.instanceId);
        const open = await store.instances.listTasks({ instanceId: task.instanceId, state: 'open', limit: 500 });
        return {
          definitionKey: task.definitionKey,
          version: task.definitionVersion,
          xml: definition.xml,
          // Where the case stands: its open user tasks (other organisations' steps by element only).
          activeElementIds: [...new Set(open.items.map((item) => item.elementId))],
          status: instance?.status ?? 'active',
        };
      });
    },

    /**
     * Colleagues the caller may hand the task to: case workers holding one of the task's
     * candidate groups (the same rule the delegate command checks), never the caller.
     * Audited as a read of the task.
     */
    async candidates(principal: Principal, id: string) {
      return onTask(principal, 'task.read', id, async (task) => {
        if (!principal.roles.includes('case-worker')) return { items: [] };
        const users = await store.users.listUsers();
        const items = users
          .filter((user) => user.id !== principal.id && mayTakeTask(user, task))
          .map((user) => ({ id: user.id, name: user.name, groups: user.groups.filter((group) => task.candidateGroups.includes(group)) }));
        return { items };
      });
    },

    async claim(principal: Principal, id: string) {
      return onTask(principal, 'task.claim', id, async () => taskView(await runtime.claimTask(id, principal.id)));
    },

    async unclaim(principal: Principal, id: string) {
      return onTask(principal, 'task.unclaim', id, async () => taskView(await runtime.unclaimTask(id, principal.id)));
    },

    async delegate(principal: Principal, id: string, userId: string) {
      const task = await store.instances.getTask(id);
      if (!task) throw new NotFoundError('task_not_found', `no task "${id}"`);
      const target = await store.users.getUser(userId);
      return guard(
        principal,
        'task.delegate',
        { resource: `task/${id}`, instanceId: task.instanceId, details: { to: userId } },
        async () => taskView(await runtime.delegateTask(id, principal.id, userId, (fresh) => mayTakeTask(target, fresh))),
        { task, target },
      );
    },

    async complete(principal: Principal, id: string, variables: Variables) {
      return onTask(principal, 'task.complete', id, async () => {
        const result = await runtime.completeTask(id, variables, principal.id);
        return { task: taskView(result.task), instance: { id: result.instance.id, status: result.instance.status }, case: summarise(result.instance) };
      });
    },
  };
}

export type TaskService = ReturnType<typeof createTaskService>;
