/**
 * The store port: what the runtime needs from persistence, one interface per aggregate.
 * Adapters (sqlite/, mongo/) implement it and must pass test/store/contract.ts.
 *
 * Rules every adapter keeps:
 * - methods return plain objects (deep copies), never rows or documents;
 * - `InstanceStore.save` is one atomic write conditional on the revision read: the
 *   instance, its tasks, timers and subscriptions and the new history events are written
 *   together or not at all;
 * - times are ISO 8601 strings in UTC (write them with Date#toISOString()); adapters order
 *   and compare them as instants and return them as written;
 * - pages hold `limit` items (default 50, at most 500; larger values are clamped) and end
 *   with `nextCursor: null`; an unreadable cursor throws BadRequestError;
 * - a write that breaks the rules below (wrong revision, a record naming another instance)
 *   is a programming error: a plain Error, never ConflictError, so nobody retries it.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Variables = Record<string, unknown>;

// ---------------------------------------------------------------- definitions and forms

export interface DefinitionVersionRecord {
  /** BPMN process id. */
  key: string;
  name: string;
  version: number;
  /** sha256 over the XML and the forms deployed with it; spots unchanged deploys. */
  checksum: string;
  xml: string;
  deployedAt: string;
  deployedBy: string;
  /** formId -> form version deployed with (or before) this process version. */
  forms: Record<string, number>;
  /** Process-level settings read from the diagram (starter groups, retention, ...). */
  settings: Record<string, unknown>;
}

export interface FormVersionRecord {
  formId: string;
  version: number;
  checksum: string;
  /** The form-js schema. */
  schema: Record<string, unknown>;
  deployedAt: string;
  deployedBy: string;
}

export interface DefinitionSummary {
  key: string;
  name: string;
  latestVersion: number;
}

export interface DefinitionStore {
  /** Inserts a new version; throws ConflictError when (key, version) exists. */
  addVersion(record: DefinitionVersionRecord): Promise<void>;
  getVersion(key: string, version: number): Promise<DefinitionVersionRecord | null>;
  getLatest(key: string): Promise<DefinitionVersionRecord | null>;
  /** Ascending by version. */
  listVersions(key: string): Promise<DefinitionVersionRecord[]>;
  /** One entry per key, sorted by key. */
  listLatest(): Promise<DefinitionSummary[]>;
  /** The latest version of every key (whole records), for message/timer start lookups. */
  latestVersions(): Promise<DefinitionVersionRecord[]>;

  /** Inserts a new form version; throws ConflictError when (formId, version) exists. */
  addFormVersion(record: FormVersionRecord): Promise<void>;
  getFormVersion(formId: string, version: number): Promise<FormVersionRecord | null>;
  getLatestForm(formId: string): Promise<FormVersionRecord | null>;
  /** Every version of every form, by formId then version (export: `npm run store:copy`). */
  listForms(): Promise<FormVersionRecord[]>;
}

// ---------------------------------------------------------------- instances

export type InstanceStatus = 'active' | 'completed' | 'cancelled' | 'incident';

export interface IncidentRecord {
  id: string;
  elementId: string;
  message: string;
  at: string;
  /** The engine command to repeat on retry; null when a retry resumes the instance. */
  retry?: Json | null;
}

export interface InstanceRecord {
  id: string;
  definitionKey: string;
  definitionVersion: number;
  businessKey: string | null;
  status: InstanceStatus;
  variables: Variables;
  /** bpmn-engine state without the BPMN source; null once ended. */
  engineState: Json | null;
  incidents: IncidentRecord[];
  /** Starts at 1 on create; every save increments it by one. */
  revision: number;
  startedAt: string;
  startedBy: string;
  endedAt: string | null;
  updatedAt: string;
  /** Set by `InstanceStore.purgeCaseData` once retention removed the case data; absent
   * until then. `save` leaves the stored value as it is. */
  purgedAt?: string | null;
}

export type TaskState = 'open' | 'completed' | 'cancelled';

export interface TaskRecord {
  id: string;
  /** The engine's execution id of the waiting user task (unique within the instance). */
  executionId: string;
  instanceId: string;
  definitionKey: string;
  definitionVersion: number;
  businessKey: string | null;
  elementId: string;
  name: string;
  state: TaskState;
  assignee: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  formId: string | null;
  formVersion: number | null;
  dueAt: string | null;
  followUpAt: string | null;
  createdAt: string;
  completedAt: string | null;
  completedBy: string | null;
  /** Values mapped into the task when it was created (zeebe:input), for the form. */
  input: Variables;
}

export interface TimerRecord {
  id: string;
  /** null for a timer start event of a definition. */
  instanceId: string | null;
  definitionKey: string;
  definitionVersion: number;
  elementId: string;
  /** 'timeDuration' | 'timeDate' | 'timeCycle' */
  timerType: string;
  dueAt: string;
  /** Cycle timers: how many repetitions are left after this one (null = unbounded). */
  repetitionsLeft: number | null;
  /** Engine-side reference needed to fire it (e.g. the execution id). */
  ref: Json;
  leaseOwner: string | null;
  leaseUntil: string | null;
}

export interface SubscriptionRecord {
  id: string;
  instanceId: string;
  definitionKey: string;
  elementId: string;
  /** The BPMN message name (not its id). */
  messageName: string;
  /** Evaluated correlation key; null when the catch event has none. */
  correlationKey: string | null;
  /** Engine-side reference needed to deliver it (message id, execution id). */
  ref: Json;
  createdAt: string;
}

export interface HistoryEvent {
  instanceId: string;
  at: string;
  /** started, task-created, task-claimed, task-unclaimed, task-completed, timer-fired,
   * message-correlated, incident, incident-resolved, completed, cancelled, ... */
  type: string;
  elementId: string | null;
  actor: string | null;
  data?: Record<string, unknown>;
}

export interface StoredHistoryEvent extends HistoryEvent {
  /** Monotonic per store; orders events of one instance. */
  seq: number;
}

export type OutboxState = 'pending' | 'delivered';

/** A message an instance threw (a hand-over), kept until another instance takes it. */
export interface OutboxRecord {
  id: string;
  sourceInstanceId: string;
  sourceElementId: string;
  messageName: string;
  correlationKey: string | null;
  variables: Variables;
  createdAt: string;
  /** When the next delivery attempt is due. */
  dueAt: string;
  attempts: number;
  lastError: string | null;
  leaseOwner: string | null;
  leaseUntil: string | null;
  state?: OutboxState;
  deliveredAt?: string | null;
  /** Instances that received or were started by it. */
  deliveredTo?: string[];
}

/**
 * Everything one command changes, written atomically.
 * - `tasks` are upserted by id (new tasks, and tasks whose state/assignee changed);
 * - `timers` and `subscriptions` replace all of the instance's timers and subscriptions;
 * - `history` is appended.
 */
export interface InstanceWrite {
  instance: InstanceRecord;
  tasks: TaskRecord[];
  timers: TimerRecord[];
  subscriptions: SubscriptionRecord[];
  history: HistoryEvent[];
  /** Outgoing messages, inserted as pending. */
  outbox?: OutboxRecord[];
  /**
   * An outgoing message of another instance this write takes: it is marked delivered in
   * the same transaction, and the whole write fails with ConflictError when it is no
   * longer pending (exactly-once hand-over).
   */
  consumesOutbox?: string;
}

export interface InstanceQuery {
  definitionKey?: string;
  definitionVersion?: number;
  status?: InstanceStatus;
  businessKey?: string;
  /** true: only instances with at least one incident (false or absent: no filter). */
  withIncidents?: boolean;
  limit?: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface TaskQuery {
  state?: TaskState;
  instanceId?: string;
  definitionKey?: string;
  /** Tasks assigned to this user. */
  assignee?: string;
  /**
   * Tasks visible to a case worker: any of these groups is a candidate group, or the user
   * is a candidate user or the assignee. Combined with the other fields by AND.
   */
  visibleTo?: { userId: string; groups: string[] };
  businessKey?: string;
  /** Only tasks whose dueAt is strictly before this time (never tasks without dueAt). */
  dueBefore?: string;
  limit?: number;
  cursor?: string;
}

/** Running cases of one definition version at one element (the modeler's overlays). */
export interface ElementStatistics {
  elementId: string;
  /** Running instances (status active or incident) waiting here: an open user task, a
   * timer or a message subscription of this element. */
  active: number;
  /** Open incidents of running instances at this element. */
  incidents: number;
}

export interface InstanceStore {
  /**
   * Creates an instance with revision 1 together with its tasks, timers, subscriptions
   * and history. Throws ConflictError when the id exists.
   */
  create(write: InstanceWrite): Promise<void>;
  get(id: string): Promise<InstanceRecord | null>;
  /**
   * Import (`npm run store:copy`, into an empty store): writes an instance exactly as another
   * store holds it — any revision, purgedAt, leases, and its thrown messages with their
   * delivery state (`state`, `deliveredAt`, `deliveredTo`) — with its tasks, timers,
   * subscriptions and history (new seqs, in the given order). ConflictError when the id exists.
   */
  restore(write: InstanceWrite): Promise<void>;
  /**
   * Saves `write.instance` (whose revision must be expectedRevision + 1) only if the
   * stored revision equals expectedRevision; otherwise throws ConflictError and writes
   * nothing.
   */
  save(write: InstanceWrite, expectedRevision: number): Promise<void>;
  /** Newest first: startedAt descending, then id descending. */
  list(query: InstanceQuery): Promise<Page<InstanceRecord>>;

  getTask(id: string): Promise<TaskRecord | null>;
  /** Sorted by dueAt (nulls last), then createdAt, then id. */
  listTasks(query: TaskQuery): Promise<Page<TaskRecord>>;
  tasksOfInstance(instanceId: string): Promise<TaskRecord[]>;

  timersOfInstance(instanceId: string): Promise<TimerRecord[]>;
  subscriptionsOfInstance(instanceId: string): Promise<SubscriptionRecord[]>;
  /** Subscriptions waiting for this message name and correlation key (null matches null),
   * oldest first (createdAt, then id). */
  findSubscriptions(messageName: string, correlationKey: string | null): Promise<SubscriptionRecord[]>;

  history(instanceId: string): Promise<StoredHistoryEvent[]>;

  /**
   * Per element of one definition version: how many running instances (status active or
   * incident) wait there and how many open incidents name it. Elements with neither are
   * left out; sorted by element id. Completed and cancelled instances never count, so the
   * cost follows the running instances of that version, not its history.
   */
  elementStatistics(definitionKey: string, definitionVersion: number): Promise<ElementStatistics[]>;

  /**
   * Ended instances (completed or cancelled) of a definition key whose endedAt is before
   * `before` and whose case data was not purged yet, oldest first.
   */
  endedBefore(definitionKey: string, before: string, limit: number): Promise<InstanceRecord[]>;
  /**
   * Retention: removes the case data of an ended instance in one transaction — its
   * variables (-> {}), engine state (-> null), task inputs (-> {}), history event `data`
   * (removed) and comment texts (-> '') — and keeps the skeleton (ids, times, actors,
   * element ids, statuses, incidents, comment authors). Sets `purgedAt` and increments the
   * revision, so that a save from a read before the purge fails with ConflictError.
   * Idempotent: purging again keeps the first `purgedAt` and the revision. Throws
   * NotFoundError for an unknown instance and ConflictError (changing nothing) for one that
   * has not ended (status active or incident).
   */
  purgeCaseData(instanceId: string, at: string): Promise<void>;
}

export interface TimerStore {
  /** Replaces the timer start events of a definition key (on deploy of a new version). */
  replaceStartTimers(definitionKey: string, timers: TimerRecord[]): Promise<void>;
  /** Start timers of a definition key, soonest first. */
  startTimers(definitionKey: string): Promise<TimerRecord[]>;
  /** Timers with dueAt <= now whose lease is free or expired, oldest first. */
  due(now: string, limit: number): Promise<TimerRecord[]>;
  /**
   * Takes the lease of a timer if it is free or expired at `now` (its holder may claim
   * again to extend it). Returns the claimed record, or null when another owner holds a
   * live lease or the timer is gone.
   */
  claim(id: string, owner: string, now: string, leaseUntil: string): Promise<TimerRecord | null>;
  /** Gives a lease back (after a failed fire) so another attempt can take it. */
  release(id: string, owner: string): Promise<void>;
  /** Updates a start timer after it fired (next due time of a cycle, lease freed), or
   * deletes it when `next` is null. Only when `owner` holds the lease; otherwise throws
   * ConflictError and changes nothing. */
  rescheduleStartTimer(id: string, owner: string, next: TimerRecord | null): Promise<void>;
  /** Earliest time a timer can be claimed, to know when to poll next: its dueAt, or the
   * end of a live lease when that is later (so a poller does not spin on a timer that is
   * being fired). */
  nextDueAt(): Promise<string | null>;
}

export interface OutboxQuery {
  state?: OutboxState;
  sourceInstanceId?: string;
  messageName?: string;
  limit?: number;
  cursor?: string;
}

export interface OutboxStore {
  /** Pending messages with dueAt <= now whose lease is free or expired, oldest first. */
  due(now: string, limit: number): Promise<OutboxRecord[]>;
  claim(id: string, owner: string, now: string, leaseUntil: string): Promise<OutboxRecord | null>;
  /** Records delivery (if the consuming write did not already) and the targets. */
  markDelivered(id: string, owner: string, at: string, targets: string[]): Promise<void>;
  /** Counts a failed attempt, frees the lease and sets the next attempt. */
  retryLater(id: string, owner: string, dueAt: string, error: string): Promise<void>;
  get(id: string): Promise<OutboxRecord | null>;
  /** Newest first. */
  list(query: OutboxQuery): Promise<Page<OutboxRecord>>;
}

// ---------------------------------------------------------------- access: users, tokens

export interface UserRecord {
  /** The user name used to sign in. */
  id: string;
  name: string;
  /** scrypt hash (`scrypt$N$r$p$salt$hash`, base64 parts); null for users who sign in elsewhere. */
  passwordHash: string | null;
  roles: string[];
  organisation: string | null;
  groups: string[];
  disabled: boolean;
  createdAt: string;
}

export interface TokenRecord {
  /** sha256 of the bearer token; the token itself is never stored. */
  hash: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
}

export interface UserStore {
  /** Inserts or replaces a user by id. */
  putUser(user: UserRecord): Promise<void>;
  getUser(id: string): Promise<UserRecord | null>;
  /** Sorted by id. */
  listUsers(): Promise<UserRecord[]>;
  addToken(token: TokenRecord): Promise<void>;
  getToken(hash: string): Promise<TokenRecord | null>;
  deleteToken(hash: string): Promise<void>;
  /** Removes tokens that expired before `now`; returns how many. */
  deleteExpiredTokens(now: string): Promise<number>;
  /** Every token, sorted by hash (export: `npm run store:copy`). */
  listTokens(): Promise<TokenRecord[]>;
}

// ---------------------------------------------------------------- audit log

export type AuditOutcome = 'allowed' | 'denied' | 'failed';

export interface AuditEntryInput {
  at: string;
  actor: string;
  role: string | null;
  organisation: string | null;
  /** e.g. instance.read, task.complete, definition.deploy, session.create */
  action: string;
  /** e.g. instance/<id>, task/<id>, definition/<key> */
  resource: string;
  /** The case the entry is about, for queries per case. */
  instanceId: string | null;
  outcome: AuditOutcome;
  /** Never case data: ids, counts, reasons. */
  details?: Record<string, unknown>;
}

export interface AuditEntry extends AuditEntryInput {
  /** 1, 2, 3, ... without gaps. */
  seq: number;
  /** The `hash` of entry seq - 1; the empty string '' for entry 1 (the genesis value). */
  prevHash: string;
  hash: string;
}

export interface AuditQuery {
  instanceId?: string;
  actor?: string;
  /** Inclusive bounds on `at`. */
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

export interface AuditStore {
  /**
   * Appends an entry: reads the last entry, computes `hash(prevHash, seq, entry)` with
   * the given function and inserts it, atomically, so that concurrent appends (also from
   * other nodes) form one chain without gaps or forks. The function receives the entry as
   * the store keeps and returns it (a copy: the fields of AuditEntryInput in their declared
   * order, `details` through JSON), so a verifier can recompute the hash from `scan`.
   * Append-only: there is no update or delete.
   */
  append(entry: AuditEntryInput, hash: (prevHash: string, seq: number, entry: AuditEntryInput) => string): Promise<AuditEntry>;
  /** Newest first (seq descending). */
  list(query: AuditQuery): Promise<Page<AuditEntry>>;
  /** Entries with seq > afterSeq in ascending order, for verifying the chain. */
  scan(afterSeq: number, limit: number): Promise<AuditEntry[]>;
}

// ---------------------------------------------------------------- drafts and comments

export interface DraftRecord {
  /** The process key the draft is for. */
  key: string;
  xml: string;
  /** formId -> form-js schema saved with the draft. */
  forms: Record<string, unknown>;
  savedAt: string;
  savedBy: string;
  /** The validation problems at save time. */
  problems: Json[];
}

export interface DraftStore {
  put(draft: DraftRecord): Promise<void>;
  get(key: string): Promise<DraftRecord | null>;
  /** Sorted by key. */
  list(): Promise<DraftRecord[]>;
  /** Returns false when there was none. */
  delete(key: string): Promise<boolean>;
}

export interface CommentRecord {
  id: string;
  instanceId: string;
  taskId: string | null;
  text: string;
  author: string;
  organisation: string | null;
  at: string;
  /** Organisations that may read it; null = everyone who may read the case. */
  visibleTo: string[] | null;
}

export interface CommentStore {
  add(comment: CommentRecord): Promise<void>;
  /** Oldest first (at, then id). */
  list(instanceId: string): Promise<CommentRecord[]>;
  /** Every comment, by id, a page at a time (export: `npm run store:copy`). */
  listAll(query: { limit?: number; cursor?: string }): Promise<Page<CommentRecord>>;
}

export interface Store {
  readonly kind: 'sqlite' | 'mongodb';
  readonly users: UserStore;
  readonly audit: AuditStore;
  readonly drafts: DraftStore;
  readonly comments: CommentStore;
  readonly definitions: DefinitionStore;
  readonly instances: InstanceStore;
  readonly timers: TimerStore;
  readonly outbox: OutboxStore;
  close(): Promise<void>;
}
