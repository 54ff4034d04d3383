/**
 * Who may do what: the one authorization module every route (through its service) asks.
 * Pure functions over the caller and plain records; no store access, so the caller loads
 * what a decision needs (the task; all tasks of a case, open and done) and asks.
 *
 * 404 or 403: a caller who may not see a case or task gets NotFoundError with the same
 * code and message as for an id that does not exist (`instance_not_found`,
 * `task_not_found`), so probing ids reveals nothing. A caller who can see it but may not
 * do the action gets ForbiddenError (e.g. a case worker asking to cancel their case).
 * Actions on no particular case (deploy, audit, lists) answer ForbiddenError.
 */
import { ConflictError, ForbiddenError, InvalidError, NotFoundError, type SamenspelError } from '../errors.js';
import type { DefinitionVersionRecord, TaskQuery, TaskRecord } from '../store/port.js';
import type { Principal, Role } from './principal.js';

/** The fields of a task that decide who sees and works on it. */
export type TaskLike = Pick<TaskRecord, 'id' | 'state' | 'assignee' | 'candidateGroups' | 'candidateUsers'>;

/** A case with all its tasks, open and done (InstanceStore.tasksOfInstance). */
export interface CaseContext {
  instanceId: string;
  tasks: readonly TaskLike[];
}

/** The user a task is delegated to: a UserRecord or a Principal; null when unknown. */
export interface DelegateTarget {
  id: string;
  roles: readonly string[];
  groups: readonly string[];
  disabled?: boolean;
}

export type DefinitionLike = Pick<DefinitionVersionRecord, 'key' | 'settings'>;

/** Every action and the context it needs (`void`: none). */
export interface PolicyContexts {
  /** GET /api/definitions (case workers: filter with `readableDefinitions`). */
  'definition.list': void;
  /** One definition, its versions and XML. */
  'definition.read': { definition: DefinitionLike };
  /** A form-js schema (not case data; case workers need them for their tasks). */
  'form.read': void;
  'draft.read': void;
  /** Save or delete a draft. */
  'draft.write': void;
  'definition.validate': void;
  'definition.deploy': void;
  /** Running cases per element of a version (counts only, no case data). */
  'definition.statistics': void;
  'instance.start': { definition: DefinitionLike };
  /** GET /api/instances: the administrators' list view. */
  'instance.list': void;
  /** The case, its history and its variables (then filter with variable-visibility). */
  'instance.read': CaseContext;
  'instance.cancel': CaseContext;
  'instance.migrate': CaseContext;
  'instance.modify': CaseContext;
  'incident.retry': CaseContext;
  /** Everything stored about one case (GET /api/instances/{id}/export): administrators. */
  'instance.export': CaseContext;
  /** Read comments (then filter each with variable-visibility's `mayReadComment`). */
  'comment.read': CaseContext;
  'comment.add': CaseContext;
  'task.read': { task: TaskLike };
  'task.claim': { task: TaskLike };
  'task.unclaim': { task: TaskLike };
  'task.complete': { task: TaskLike };
  'task.delegate': { task: TaskLike; target: DelegateTarget | null };
  /** POST /api/messages: hand-overs from outside systems. */
  'message.send': void;
  /** GET /api/messages: the hand-overs cases sent, delivered or still waiting for a receiver. */
  'message.list': void;
  'audit.read': void;
  'audit.verify': void;
  /** What retention would delete next, and running it by hand: administrators. */
  'retention.read': void;
  'retention.run': void;
}

export type PolicyAction = keyof PolicyContexts;
export type ContextArgs<A extends PolicyAction> = PolicyContexts[A] extends void ? [] : [context: PolicyContexts[A]];

export type Decision = { allowed: true } | { allowed: false; error: SamenspelError };

/** The decision with the error to throw when refused (also for audit: outcome 'denied'). */
export function decide<A extends PolicyAction>(principal: Principal, action: A, ...args: ContextArgs<A>): Decision {
  const rule = RULES[action] as (principal: Principal, context: unknown, action: PolicyAction) => Decision;
  return rule(principal, args[0], action);
}

export function can<A extends PolicyAction>(principal: Principal, action: A, ...args: ContextArgs<A>): boolean {
  return decide(principal, action, ...args).allowed;
}

/** Throws NotFoundError, ForbiddenError, ConflictError or InvalidError when refused. */
export function authorize<A extends PolicyAction>(principal: Principal, action: A, ...args: ContextArgs<A>): void {
  const decision = decide(principal, action, ...args);
  if (!decision.allowed) throw decision.error;
}

// ---------------------------------------------------------------- visibility rules

const has = (principal: Principal, role: Role): boolean => principal.roles.includes(role);

/** In a candidate group of the task, or named as a candidate user. */
export function isTaskCandidate(principal: Pick<Principal, 'id' | 'groups'>, task: Pick<TaskLike, 'candidateGroups' | 'candidateUsers'>): boolean {
  return task.candidateGroups.some((group) => principal.groups.includes(group)) || task.candidateUsers.includes(principal.id);
}

/**
 * Administrators see every task; a case worker sees a task (open or done) of their groups,
 * or where they are a candidate user or the assignee. Same rule as TaskQuery.visibleTo.
 */
export function seesTask(principal: Principal, task: TaskLike): boolean {
  if (has(principal, 'administrator')) return true;
  return has(principal, 'case-worker') && (isTaskCandidate(principal, task) || task.assignee === principal.id);
}

/** Need to know: a case worker sees a case while they have or had a task in it. */
export function seesCase(principal: Principal, tasks: readonly TaskLike[]): boolean {
  if (has(principal, 'administrator')) return true;
  return has(principal, 'case-worker') && tasks.some((task) => seesTask(principal, task));
}

/**
 * The `visibleTo` part of a TaskQuery for this caller: `{}` (administrators: all tasks),
 * `{ visibleTo }` (case workers), or null when the caller sees no tasks (answer an empty list).
 */
export function taskQueryScope(principal: Principal): Pick<TaskQuery, 'visibleTo'> | null {
  if (has(principal, 'administrator')) return {};
  if (has(principal, 'case-worker')) return { visibleTo: { userId: principal.id, groups: [...principal.groups] } };
  return null;
}

/** The groups that may start the process (settings.starterGroups, from the diagram). */
export function starterGroupsOf(settings: Record<string, unknown>): string[] {
  const groups = settings.starterGroups;
  return Array.isArray(groups) ? groups.filter((group): group is string => typeof group === 'string') : [];
}

/** Administrators start any process; case workers those that list one of their groups as starter. */
export function mayStart(principal: Principal, definition: DefinitionLike): boolean {
  if (has(principal, 'administrator')) return true;
  return has(principal, 'case-worker') && starterGroupsOf(definition.settings).some((group) => principal.groups.includes(group));
}

/** Definitions the caller may list: all for process owners and administrators; case workers those they may start. */
export function readableDefinitions<D extends DefinitionLike>(principal: Principal, definitions: readonly D[]): D[] {
  if (has(principal, 'process-owner') || has(principal, 'administrator')) return [...definitions];
  return definitions.filter((definition) => mayStart(principal, definition));
}

/** Whether a user may receive the task: an enabled case worker who is one of its candidates. */
export function mayTakeTask(target: DelegateTarget | null, task: Pick<TaskLike, 'candidateGroups' | 'candidateUsers'>): boolean {
  return (
    target !== null &&
    target.disabled !== true &&
    target.roles.includes('case-worker') &&
    isTaskCandidate({ id: target.id, groups: [...target.groups] }, task)
  );
}

// ---------------------------------------------------------------- rules

const ALLOWED: Decision = { allowed: true };

function forbidden(action: PolicyAction, needs: string): Decision {
  return { allowed: false, error: new ForbiddenError('forbidden', `"${action}" is for ${needs}`) };
}

function roles(...allowed: Role[]) {
  return (principal: Principal, _context: unknown, action: PolicyAction): Decision =>
    allowed.some((role) => has(principal, role)) ? ALLOWED : forbidden(action, allowed.map((role) => `${role}s`).join(' and '));
}

const instanceNotFound = (id: string): Decision => ({
  allowed: false,
  error: new NotFoundError('instance_not_found', `no instance "${id}"`),
});
const taskNotFound = (id: string): Decision => ({ allowed: false, error: new NotFoundError('task_not_found', `no task "${id}"`) });
const claimedByOther = (id: string): Decision => ({
  allowed: false,
  error: new ConflictError('task_claimed', `task "${id}" is claimed by someone else`),
});

function readCase(principal: Principal, context: CaseContext): Decision {
  return seesCase(principal, context.tasks) ? ALLOWED : instanceNotFound(context.instanceId);
}

function administerCase(principal: Principal, context: CaseContext, action: PolicyAction): Decision {
  if (!seesCase(principal, context.tasks)) return instanceNotFound(context.instanceId);
  return has(principal, 'administrator') ? ALLOWED : forbidden(action, 'administrators');
}

/** Only tasks the caller sees; then a case worker must be a candidate or the assignee. */
function workOnTask(principal: Principal, task: TaskLike, action: PolicyAction): Decision | null {
  if (!seesTask(principal, task)) return taskNotFound(task.id);
  if (!has(principal, 'case-worker') || !(isTaskCandidate(principal, task) || task.assignee === principal.id)) {
    return forbidden(action, 'the assignee and the candidates of the task');
  }
  return null;
}

const heldByOther = (principal: Principal, task: TaskLike): boolean =>
  task.state === 'open' && task.assignee !== null && task.assignee !== principal.id;

const RULES: { [A in PolicyAction]: (principal: Principal, context: PolicyContexts[A], action: PolicyAction) => Decision } = {
  'definition.list': roles('process-owner', 'administrator', 'case-worker'),
  'definition.read': (principal, { definition }, action) =>
    has(principal, 'process-owner') || has(principal, 'administrator') || mayStart(principal, definition)
      ? ALLOWED
      : forbidden(action, 'process owners, administrators and the starter groups of the process'),
  'form.read': roles('process-owner', 'administrator', 'case-worker'),
  'draft.read': roles('process-owner', 'administrator'),
  'draft.write': roles('process-owner'),
  'definition.validate': roles('process-owner', 'administrator'),
  'definition.deploy': roles('administrator'),
  'definition.statistics': roles('process-owner', 'administrator'),

  'instance.start': (principal, { definition }, action) =>
    mayStart(principal, definition) ? ALLOWED : forbidden(action, 'administrators and the starter groups of the process'),
  'instance.list': roles('administrator'),
  'instance.read': readCase,
  'instance.cancel': administerCase,
  'instance.migrate': administerCase,
  'instance.modify': administerCase,
  'incident.retry': administerCase,
  'instance.export': administerCase,
  'comment.read': readCase,
  'comment.add': readCase,

  'task.read': (principal, { task }) => (seesTask(principal, task) ? ALLOWED : taskNotFound(task.id)),
  'task.claim': (principal, { task }, action) => workOnTask(principal, task, action) ?? ALLOWED,
  'task.unclaim': (principal, { task }, action) => {
    if (!seesTask(principal, task)) return taskNotFound(task.id);
    // Administrators may free a task held by an absent colleague.
    if (has(principal, 'administrator')) return ALLOWED;
    const refused = workOnTask(principal, task, action);
    if (refused) return refused;
    return heldByOther(principal, task) ? forbidden(action, 'the assignee of the task') : ALLOWED;
  },
  'task.complete': (principal, { task }, action) => {
    const refused = workOnTask(principal, task, action);
    if (refused) return refused;
    return heldByOther(principal, task) ? claimedByOther(task.id) : ALLOWED;
  },
  'task.delegate': (principal, { task, target }, action) => {
    if (!seesTask(principal, task)) return taskNotFound(task.id);
    if (!has(principal, 'administrator')) {
      const refused = workOnTask(principal, task, action);
      if (refused) return refused;
      if (heldByOther(principal, task)) return claimedByOther(task.id);
    }
    if (!mayTakeTask(target, task)) {
      // Same code and wording as the runtime's delegateTask check.
      const who = target ? `user "${target.id}"` : 'that user';
      return {
        allowed: false,
        error: new InvalidError('delegate_not_candidate', `${who} is not in a candidate group of this task`, [
          { path: 'userId', message: 'not a candidate of this task' },
        ]),
      };
    }
    return ALLOWED;
  },

  'message.send': roles('administrator'),
  'message.list': roles('administrator'),
  'audit.read': roles('auditor', 'administrator'),
  'audit.verify': roles('auditor'),
  'retention.read': roles('administrator'),
  'retention.run': roles('administrator'),
};
