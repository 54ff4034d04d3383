/**
 * The MongoDB documents of the store: one collection per aggregate part, with the mongoose
 * schemas and indexes that the queries of the adapter use.
 *
 * Conventions (the same as the SQLite schema's):
 * - ids are `_id` strings chosen by Samenspel (audit entries and history events: their seq);
 * - times are kept twice: the ISO string as given (returned unchanged) and epoch
 *   milliseconds (`*Ms`) for ordering and comparing instants;
 * - opaque JSON values (variables, engine state, form schemas, details, ...) are kept as JSON
 *   text (`*Json`), so that any key (`$type`, dotted names) round-trips exactly and no query
 *   ever looks inside them;
 * - every field is written, with null for "none", so that `{field: null}` matches it.
 *
 * The instance document is the commit point of a command: see mongo-instance-store.ts.
 */
import { Schema, type Connection, type Model } from 'mongoose';

/** Sort value of a task without dueAt: after every real time (nulls last). */
export const NO_DUE_SORT = Number.MAX_SAFE_INTEGER;

const options = { versionKey: false, minimize: false, id: false, strict: true } as const;

const str = { type: String, default: null };
const num = { type: Number, default: null };

// ------------------------------------------------------------------ definitions and forms

export interface DefinitionDoc {
  /** JSON of [key, version]. */
  _id: string;
  key: string;
  version: number;
  name: string;
  checksum: string;
  xml: string;
  deployedAt: string;
  deployedBy: string;
  formsJson: string;
  settingsJson: string;
}

const definitionSchema = new Schema<DefinitionDoc>(
  {
    _id: String,
    key: String,
    version: Number,
    name: String,
    checksum: String,
    xml: String,
    deployedAt: String,
    deployedBy: String,
    formsJson: String,
    settingsJson: String,
  },
  { ...options, collection: 'definitions' },
);
definitionSchema.index({ key: 1, version: -1 }, { unique: true });

export interface FormDoc {
  /** JSON of [formId, version]. */
  _id: string;
  formId: string;
  version: number;
  checksum: string;
  schemaJson: string;
  deployedAt: string;
  deployedBy: string;
}

const formSchema = new Schema<FormDoc>(
  { _id: String, formId: String, version: Number, checksum: String, schemaJson: String, deployedAt: String, deployedBy: String },
  { ...options, collection: 'forms' },
);
formSchema.index({ formId: 1, version: -1 }, { unique: true });

// ------------------------------------------------------------------ instances

/** What a committed write still has to apply to the derived collections (see applyJournal). */
export type Journal =
  | {
      kind: 'write';
      revision: number;
      /** Wall-clock ms of the commit, so that a sweeper leaves fresh journals to their writer. */
      at: number;
      tasks: TaskDoc[];
      timers: TimerDoc[];
      subscriptions: SubscriptionDoc[];
      history: HistoryDoc[];
      outbox: OutboxDoc[];
      consumes: { id: string; at: string; token: string } | null;
    }
  | { kind: 'purge'; revision: number; at: number };

export interface InstanceDoc {
  _id: string;
  definitionKey: string;
  definitionVersion: number;
  businessKey: string | null;
  status: string;
  variablesJson: string;
  engineStateJson: string;
  incidentsJson: string;
  incidentCount: number;
  revision: number;
  startedAt: string;
  startedMs: number;
  startedBy: string;
  endedAt: string | null;
  endedMs: number | null;
  /** status completed or cancelled (retention looks for these). */
  ended: boolean;
  updatedAt: string;
  purgedAt: string | null;
  /** Ids of the instance's timers and subscriptions as of this revision (for operators and
   * checks; the derived rows are in `timers` and `subscriptions`). */
  timerIds: string[];
  subscriptionIds: string[];
  /** true while `journal` holds a committed write not yet applied to the derived collections. */
  dirty: boolean;
  journal: Journal | null;
}

const instanceSchema = new Schema<InstanceDoc>(
  {
    _id: String,
    definitionKey: String,
    definitionVersion: Number,
    businessKey: str,
    status: String,
    variablesJson: String,
    engineStateJson: String,
    incidentsJson: String,
    incidentCount: Number,
    revision: Number,
    startedAt: String,
    startedMs: Number,
    startedBy: String,
    endedAt: str,
    endedMs: num,
    ended: Boolean,
    updatedAt: String,
    purgedAt: str,
    timerIds: [String],
    subscriptionIds: [String],
    dirty: Boolean,
    journal: { type: Schema.Types.Mixed, default: null },
  },
  { ...options, collection: 'instances' },
);
instanceSchema.index({ startedMs: -1, _id: -1 });
instanceSchema.index({ definitionKey: 1, definitionVersion: 1, startedMs: -1, _id: -1 });
instanceSchema.index({ status: 1, startedMs: -1, _id: -1 });
instanceSchema.index({ businessKey: 1, startedMs: -1, _id: -1 });
instanceSchema.index({ incidentCount: 1, startedMs: -1, _id: -1 });
// endedBefore(): ended instances of a key whose case data is still there, oldest first.
instanceSchema.index({ definitionKey: 1, ended: 1, purgedAt: 1, endedMs: 1, _id: 1 });
// The sweeper's look for committed writes that were not applied (a node died in between).
instanceSchema.index({ dirty: 1 });

export interface TaskDoc {
  _id: string;
  executionId: string;
  instanceId: string;
  definitionKey: string;
  definitionVersion: number;
  businessKey: string | null;
  elementId: string;
  name: string;
  state: string;
  assignee: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  formId: string | null;
  formVersion: number | null;
  dueAt: string | null;
  /** dueAt in ms, or NO_DUE_SORT: tasks without a due date sort last. */
  dueSort: number;
  followUpAt: string | null;
  createdAt: string;
  createdMs: number;
  completedAt: string | null;
  completedBy: string | null;
  inputJson: string;
  /** The instance revision that wrote this row. */
  rev: number;
}

const taskSchema = new Schema<TaskDoc>(
  {
    _id: String,
    executionId: String,
    instanceId: String,
    definitionKey: String,
    definitionVersion: Number,
    businessKey: str,
    elementId: String,
    name: String,
    state: String,
    assignee: str,
    candidateGroups: [String],
    candidateUsers: [String],
    formId: str,
    formVersion: num,
    dueAt: str,
    dueSort: Number,
    followUpAt: str,
    createdAt: String,
    createdMs: Number,
    completedAt: str,
    completedBy: str,
    inputJson: String,
    rev: Number,
  },
  { ...options, collection: 'tasks' },
);
taskSchema.index({ dueSort: 1, createdMs: 1, _id: 1 });
taskSchema.index({ state: 1, dueSort: 1, createdMs: 1, _id: 1 });
taskSchema.index({ instanceId: 1 });
taskSchema.index({ definitionKey: 1, state: 1, dueSort: 1, createdMs: 1, _id: 1 });
taskSchema.index({ assignee: 1, state: 1, dueSort: 1, createdMs: 1, _id: 1 });
taskSchema.index({ candidateGroups: 1, state: 1 });
taskSchema.index({ candidateUsers: 1, state: 1 });
taskSchema.index({ businessKey: 1 });

export interface TimerDoc {
  _id: string;
  instanceId: string | null;
  definitionKey: string;
  definitionVersion: number;
  elementId: string;
  timerType: string;
  dueAt: string;
  dueMs: number;
  repetitionsLeft: number | null;
  refJson: string;
  leaseOwner: string | null;
  leaseUntil: string | null;
  leaseUntilMs: number | null;
  /** The first moment the timer can be claimed: dueMs, or the end of a later lease. */
  readyMs: number;
  /** The instance revision that wrote this row (0 for start timers). */
  rev: number;
}

const timerSchema = new Schema<TimerDoc>(
  {
    _id: String,
    instanceId: str,
    definitionKey: String,
    definitionVersion: Number,
    elementId: String,
    timerType: String,
    dueAt: String,
    dueMs: Number,
    repetitionsLeft: num,
    refJson: String,
    leaseOwner: str,
    leaseUntil: str,
    leaseUntilMs: num,
    readyMs: Number,
    rev: Number,
  },
  { ...options, collection: 'timers' },
);
timerSchema.index({ dueMs: 1, _id: 1 });
timerSchema.index({ readyMs: 1 });
timerSchema.index({ instanceId: 1 });
timerSchema.index({ definitionKey: 1, instanceId: 1 });

export interface SubscriptionDoc {
  _id: string;
  instanceId: string;
  definitionKey: string;
  elementId: string;
  messageName: string;
  correlationKey: string | null;
  refJson: string;
  createdAt: string;
  createdMs: number;
  rev: number;
}

const subscriptionSchema = new Schema<SubscriptionDoc>(
  {
    _id: String,
    instanceId: String,
    definitionKey: String,
    elementId: String,
    messageName: String,
    correlationKey: str,
    refJson: String,
    createdAt: String,
    createdMs: Number,
    rev: Number,
  },
  { ...options, collection: 'subscriptions' },
);
subscriptionSchema.index({ messageName: 1, correlationKey: 1, createdMs: 1, _id: 1 });
subscriptionSchema.index({ instanceId: 1 });

export interface HistoryDoc {
  /** The event's seq (from the `history` counter). */
  _id: number;
  instanceId: string;
  at: string;
  type: string;
  elementId: string | null;
  actor: string | null;
  dataJson: string | null;
}

const historySchema = new Schema<HistoryDoc>(
  { _id: Number, instanceId: String, at: String, type: String, elementId: str, actor: str, dataJson: str },
  { ...options, collection: 'history' },
);
historySchema.index({ instanceId: 1, _id: 1 });

export interface OutboxDoc {
  _id: string;
  sourceInstanceId: string;
  sourceElementId: string;
  messageName: string;
  correlationKey: string | null;
  variablesJson: string;
  createdAt: string;
  createdMs: number;
  dueAt: string;
  dueMs: number;
  attempts: number;
  lastError: string | null;
  leaseOwner: string | null;
  leaseUntil: string | null;
  leaseUntilMs: number | null;
  state: string;
  deliveredAt: string | null;
  deliveredTo: string[];
  /** A write that is about to consume the message (see mongo-outbox-store.ts). */
  consumer: { instanceId: string; revision: number; token: string; atMs: number } | null;
  /** Incremented by every read-modify-write, which is conditional on it. */
  v: number;
}

const outboxSchema = new Schema<OutboxDoc>(
  {
    _id: String,
    sourceInstanceId: String,
    sourceElementId: String,
    messageName: String,
    correlationKey: str,
    variablesJson: String,
    createdAt: String,
    createdMs: Number,
    dueAt: String,
    dueMs: Number,
    attempts: Number,
    lastError: str,
    leaseOwner: str,
    leaseUntil: str,
    leaseUntilMs: num,
    state: String,
    deliveredAt: str,
    deliveredTo: [String],
    consumer: { type: Schema.Types.Mixed, default: null },
    v: Number,
  },
  { ...options, collection: 'outbox' },
);
outboxSchema.index({ state: 1, dueMs: 1, _id: 1 });
outboxSchema.index({ createdMs: -1, _id: -1 });
outboxSchema.index({ state: 1, createdMs: -1, _id: -1 });
outboxSchema.index({ sourceInstanceId: 1, createdMs: -1, _id: -1 });
outboxSchema.index({ messageName: 1, createdMs: -1, _id: -1 });

/** Sequences (history seq) shared by all nodes: `{_id: name, seq}` advanced with $inc. */
export interface CounterDoc {
  _id: string;
  seq: number;
}

const counterSchema = new Schema<CounterDoc>({ _id: String, seq: Number }, { ...options, collection: 'counters' });

// ------------------------------------------------------------------ access and audit

export interface UserDoc {
  _id: string;
  name: string;
  passwordHash: string | null;
  roles: string[];
  organisation: string | null;
  groups: string[];
  disabled: boolean;
  createdAt: string;
}

const userSchema = new Schema<UserDoc>(
  { _id: String, name: String, passwordHash: str, roles: [String], organisation: str, groups: [String], disabled: Boolean, createdAt: String },
  { ...options, collection: 'users' },
);

export interface TokenDoc {
  /** sha256 of the bearer token. */
  _id: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  expiresMs: number;
}

const tokenSchema = new Schema<TokenDoc>(
  { _id: String, userId: String, createdAt: String, expiresAt: String, expiresMs: Number },
  { ...options, collection: 'tokens' },
);
tokenSchema.index({ expiresMs: 1 });

export interface AuditDoc {
  /** The entry's seq: 1, 2, 3, ... The unique _id is what makes concurrent appends of
   * several nodes form one chain: the loser of a race for a seq gets a duplicate key and
   * appends again after the winner. */
  _id: number;
  at: string;
  atMs: number;
  actor: string;
  role: string | null;
  organisation: string | null;
  action: string;
  resource: string;
  instanceId: string | null;
  outcome: string;
  detailsJson: string | null;
  prevHash: string;
  hash: string;
}

const auditSchema = new Schema<AuditDoc>(
  {
    _id: Number,
    at: String,
    atMs: Number,
    actor: String,
    role: str,
    organisation: str,
    action: String,
    resource: String,
    instanceId: str,
    outcome: String,
    detailsJson: str,
    prevHash: String,
    hash: String,
  },
  { ...options, collection: 'audit_entries' },
);
auditSchema.index({ instanceId: 1, _id: -1 });
auditSchema.index({ actor: 1, _id: -1 });
auditSchema.index({ atMs: 1 });

// ------------------------------------------------------------------ drafts and comments

export interface DraftDoc {
  _id: string;
  xml: string;
  formsJson: string;
  savedAt: string;
  savedBy: string;
  problemsJson: string;
}

const draftSchema = new Schema<DraftDoc>(
  { _id: String, xml: String, formsJson: String, savedAt: String, savedBy: String, problemsJson: String },
  { ...options, collection: 'drafts' },
);

export interface CommentDoc {
  _id: string;
  instanceId: string;
  taskId: string | null;
  text: string;
  author: string;
  organisation: string | null;
  at: string;
  atMs: number;
  visibleTo: string[] | null;
}

const commentSchema = new Schema<CommentDoc>(
  {
    _id: String,
    instanceId: String,
    taskId: str,
    text: String,
    author: String,
    organisation: str,
    at: String,
    atMs: Number,
    visibleTo: { type: [String], default: null },
  },
  { ...options, collection: 'comments' },
);
commentSchema.index({ instanceId: 1, atMs: 1, _id: 1 });

// ------------------------------------------------------------------ registration

export interface MongoModels {
  definitions: Model<DefinitionDoc>;
  forms: Model<FormDoc>;
  instances: Model<InstanceDoc>;
  tasks: Model<TaskDoc>;
  timers: Model<TimerDoc>;
  subscriptions: Model<SubscriptionDoc>;
  history: Model<HistoryDoc>;
  outbox: Model<OutboxDoc>;
  counters: Model<CounterDoc>;
  users: Model<UserDoc>;
  tokens: Model<TokenDoc>;
  audit: Model<AuditDoc>;
  drafts: Model<DraftDoc>;
  comments: Model<CommentDoc>;
}

/** The models of one connection (each store has its own connection). */
export function registerModels(connection: Connection): MongoModels {
  return {
    definitions: connection.model<DefinitionDoc>('Definition', definitionSchema),
    forms: connection.model<FormDoc>('Form', formSchema),
    instances: connection.model<InstanceDoc>('Instance', instanceSchema),
    tasks: connection.model<TaskDoc>('Task', taskSchema),
    timers: connection.model<TimerDoc>('Timer', timerSchema),
    subscriptions: connection.model<SubscriptionDoc>('Subscription', subscriptionSchema),
    history: connection.model<HistoryDoc>('HistoryEvent', historySchema),
    outbox: connection.model<OutboxDoc>('OutboxMessage', outboxSchema),
    counters: connection.model<CounterDoc>('Counter', counterSchema),
    users: connection.model<UserDoc>('User', userSchema),
    tokens: connection.model<TokenDoc>('Token', tokenSchema),
    audit: connection.model<AuditDoc>('AuditEntry', auditSchema),
    drafts: connection.model<DraftDoc>('Draft', draftSchema),
    comments: connection.model<CommentDoc>('Comment', commentSchema),
  };
}
