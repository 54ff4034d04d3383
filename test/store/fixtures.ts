/**
 * Small builders for store records: sensible defaults, overridden per test.
 * Times are canonical ISO strings (Date#toISOString) around T0.
 */
import { createHash } from 'node:crypto';
import type {
  AuditEntry,
  AuditEntryInput,
  CommentRecord,
  DefinitionVersionRecord,
  DraftRecord,
  FormVersionRecord,
  HistoryEvent,
  InstanceRecord,
  InstanceWrite,
  OutboxRecord,
  SubscriptionRecord,
  TaskRecord,
  TimerRecord,
  TokenRecord,
  UserRecord,
} from '../../src/store/port.js';

export const T0 = '2026-01-05T09:00:00.000Z';

/** T0 plus some minutes, as an ISO string. */
export function at(minutes: number): string {
  return new Date(Date.parse(T0) + minutes * 60_000).toISOString();
}

let counter = 0;
/** A fresh id; sorts in creation order. */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${String(counter).padStart(6, '0')}`;
}

export function makeDefinition(overrides: Partial<DefinitionVersionRecord> = {}): DefinitionVersionRecord {
  const key = overrides.key ?? uniqueId('process');
  return {
    key,
    name: `Process ${key}`,
    version: 1,
    checksum: `sha256-${key}-${overrides.version ?? 1}`,
    xml: `<bpmn:definitions id="${key}"/>`,
    deployedAt: T0,
    deployedBy: 'admin',
    forms: { intake: 1 },
    settings: { starterGroups: ['vt-frontoffice'], retentionDays: 365 },
    ...overrides,
  };
}

export function makeForm(overrides: Partial<FormVersionRecord> = {}): FormVersionRecord {
  const formId = overrides.formId ?? uniqueId('form');
  return {
    formId,
    version: 1,
    checksum: `sha256-${formId}-${overrides.version ?? 1}`,
    schema: { type: 'default', components: [{ key: 'name', type: 'textfield' }] },
    deployedAt: T0,
    deployedBy: 'admin',
    ...overrides,
  };
}

export function makeInstance(overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    id: uniqueId('instance'),
    definitionKey: 'melding-veilig-thuis',
    definitionVersion: 1,
    businessKey: null,
    status: 'active',
    variables: { melder: 'politie', kinderen: 2, details: { wapens: false, eerder: ['2025-03-01'] } },
    engineState: { state: 'running', executions: [{ id: 'exec-1', elementId: 'triage' }] },
    incidents: [],
    revision: 1,
    startedAt: T0,
    startedBy: 'vt-frontoffice',
    endedAt: null,
    updatedAt: T0,
    ...overrides,
  };
}

/** The instance as the next save writes it: revision + 1 and the given changes. */
export function nextRevision(instance: InstanceRecord, changes: Partial<InstanceRecord> = {}): InstanceRecord {
  return { ...instance, revision: instance.revision + 1, updatedAt: at(instance.revision), ...changes };
}

export function makeTask(instance: InstanceRecord, overrides: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id: uniqueId('task'),
    executionId: uniqueId('exec'),
    instanceId: instance.id,
    definitionKey: instance.definitionKey,
    definitionVersion: instance.definitionVersion,
    businessKey: instance.businessKey,
    elementId: 'triage',
    name: 'Veiligheidsbeoordeling',
    state: 'open',
    assignee: null,
    candidateGroups: ['vt-triage'],
    candidateUsers: [],
    formId: 'triage-form',
    formVersion: 1,
    dueAt: at(60 * 24 * 5),
    followUpAt: null,
    createdAt: T0,
    completedAt: null,
    completedBy: null,
    input: { registratienummer: 'PL-2026-001' },
    ...overrides,
  };
}

export function makeTimer(instance: InstanceRecord, overrides: Partial<TimerRecord> = {}): TimerRecord {
  return {
    id: uniqueId('timer'),
    instanceId: instance.id,
    definitionKey: instance.definitionKey,
    definitionVersion: instance.definitionVersion,
    elementId: 'triage-deadline',
    timerType: 'timeDuration',
    dueAt: at(60),
    repetitionsLeft: null,
    ref: { executionId: 'exec-1' },
    leaseOwner: null,
    leaseUntil: null,
    ...overrides,
  };
}

export function makeStartTimer(definitionKey: string, overrides: Partial<TimerRecord> = {}): TimerRecord {
  return {
    id: uniqueId('start-timer'),
    instanceId: null,
    definitionKey,
    definitionVersion: 1,
    elementId: 'every-morning',
    timerType: 'timeCycle',
    dueAt: at(60),
    repetitionsLeft: null,
    ref: { elementId: 'every-morning' },
    leaseOwner: null,
    leaseUntil: null,
    ...overrides,
  };
}

export function makeSubscription(
  instance: InstanceRecord,
  overrides: Partial<SubscriptionRecord> = {},
): SubscriptionRecord {
  return {
    id: uniqueId('subscription'),
    instanceId: instance.id,
    definitionKey: instance.definitionKey,
    elementId: 'wait-terugkoppeling',
    messageName: 'Terugkoppeling',
    correlationKey: 'PL-2026-001',
    ref: { messageId: 'Message_Terugkoppeling', executionId: 'exec-2' },
    createdAt: T0,
    ...overrides,
  };
}

export function makeEvent(instance: InstanceRecord, overrides: Partial<HistoryEvent> = {}): HistoryEvent {
  return {
    instanceId: instance.id,
    at: T0,
    type: 'started',
    elementId: null,
    actor: 'vt-frontoffice',
    ...overrides,
  };
}

/** A message the instance throws (a hand-over), as an InstanceWrite carries it. */
export function makeOutbox(instance: InstanceRecord, overrides: Partial<OutboxRecord> = {}): OutboxRecord {
  return {
    id: uniqueId('outbox'),
    sourceInstanceId: instance.id,
    sourceElementId: 'send-zorgmelding',
    messageName: 'Zorgmelding',
    correlationKey: 'PL-2026-001',
    variables: { registratienummer: 'PL-2026-001', kinderen: [{ leeftijd: 4 }] },
    createdAt: T0,
    dueAt: T0,
    attempts: 0,
    lastError: null,
    leaseOwner: null,
    leaseUntil: null,
    ...overrides,
  };
}

/** An outbox record as the store returns it after insertion (pending, not delivered). */
export function pendingOutbox(message: OutboxRecord): OutboxRecord {
  return { ...message, state: 'pending', deliveredAt: null, deliveredTo: [] };
}

/** A write for `instance` with no tasks, timers, subscriptions or history unless given. */
export function makeWrite(instance: InstanceRecord, parts: Partial<Omit<InstanceWrite, 'instance'>> = {}): InstanceWrite {
  return { instance, tasks: [], timers: [], subscriptions: [], history: [], ...parts };
}

/** A user who signs in locally, in the case-worker role. */
export function makeUser(overrides: Partial<UserRecord> = {}): UserRecord {
  const id = overrides.id ?? uniqueId('user');
  return {
    id,
    name: `Gebruiker ${id}`,
    passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
    roles: ['case-worker'],
    organisation: 'veilig-thuis',
    groups: ['vt-triage', 'vt-onderzoek'],
    disabled: false,
    createdAt: T0,
    ...overrides,
  };
}

export function makeToken(overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    hash: createHash('sha256').update(uniqueId('token')).digest('hex'),
    userId: 'user-1',
    createdAt: T0,
    expiresAt: at(60 * 8),
    ...overrides,
  };
}

export function makeAuditEntry(overrides: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    at: T0,
    actor: 'vt-triagist',
    role: 'case-worker',
    organisation: 'veilig-thuis',
    action: 'instance.read',
    resource: 'instance/instance-1',
    instanceId: 'instance-1',
    outcome: 'allowed',
    details: { fields: 3 },
    ...overrides,
  };
}

/** An audit entry without its chain fields: what the hash function saw. */
export function auditInputOf(entry: AuditEntry): AuditEntryInput {
  const { seq, prevHash, hash, ...input } = entry;
  return input;
}

/** The hash function the tests give AuditStore#append: sha256 over the link and the entry. */
export function auditHash(prevHash: string, seq: number, entry: AuditEntryInput): string {
  return createHash('sha256').update(`${prevHash}\n${seq}\n${JSON.stringify(entry)}`).digest('hex');
}

export function makeDraft(overrides: Partial<DraftRecord> = {}): DraftRecord {
  const key = overrides.key ?? uniqueId('draft');
  return {
    key,
    xml: `<bpmn:definitions id="${key}"/>`,
    forms: { intake: { type: 'default', components: [{ key: 'melder', type: 'textfield' }] } },
    savedAt: T0,
    savedBy: 'process-owner',
    problems: [{ rule: 'label-required', elementId: 'Gateway_1', message: 'Element is missing label/name' }],
    ...overrides,
  };
}

export function makeComment(instance: InstanceRecord, overrides: Partial<CommentRecord> = {}): CommentRecord {
  return {
    id: uniqueId('comment'),
    instanceId: instance.id,
    taskId: null,
    text: 'Moeder gebeld, kinderen zijn veilig bij oma.',
    author: 'vt-triagist',
    organisation: 'veilig-thuis',
    at: T0,
    visibleTo: null,
    ...overrides,
  };
}
