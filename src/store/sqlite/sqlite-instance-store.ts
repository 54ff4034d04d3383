import { ConflictError, NotFoundError } from '../../errors.js';
import { checkCreate, checkRestore, checkSave } from '../instance-write-checks.js';
import { decodeCursor, encodeCursor, pageLimit, type CursorKey } from '../paging.js';
import type {
  ElementStatistics,
  IncidentRecord,
  InstanceQuery,
  InstanceRecord,
  InstanceStatus,
  InstanceStore,
  InstanceWrite,
  Json,
  Page,
  StoredHistoryEvent,
  SubscriptionRecord,
  TaskQuery,
  TaskRecord,
  TaskState,
  TimerRecord,
  Variables,
} from '../port.js';
import { fromJson, toJson, toMs, toMsOrNull, type SqliteDatabase } from './sqlite-database.js';
import { CONSUME_OUTBOX_SQL, INSERT_OUTBOX_SQL, outboxParams, RESTORE_OUTBOX_SQL, restoredOutboxParams } from './sqlite-outbox-store.js';
import { INSERT_TIMER_SQL, timerParams, toTimer, type TimerRow } from './sqlite-timer-store.js';
import { NO_DUE_SORT } from './schema.js';

interface InstanceRow {
  id: string;
  definition_key: string;
  definition_version: number;
  business_key: string | null;
  status: InstanceStatus;
  variables: string;
  engine_state: string;
  incidents: string;
  revision: number;
  started_at: string;
  started_ms: number;
  started_by: string;
  ended_at: string | null;
  ended_ms: number | null;
  updated_at: string;
  purged_at: string | null;
}

interface TaskRow {
  id: string;
  execution_id: string;
  instance_id: string;
  definition_key: string;
  definition_version: number;
  business_key: string | null;
  element_id: string;
  name: string;
  state: TaskState;
  assignee: string | null;
  candidate_groups: string;
  candidate_users: string;
  form_id: string | null;
  form_version: number | null;
  due_at: string | null;
  due_sort: number;
  follow_up_at: string | null;
  created_at: string;
  created_ms: number;
  completed_at: string | null;
  completed_by: string | null;
  input: string;
}

interface SubscriptionRow {
  id: string;
  instance_id: string;
  definition_key: string;
  element_id: string;
  message_name: string;
  correlation_key: string | null;
  ref: string;
  created_at: string;
}

interface HistoryRow {
  seq: number;
  instance_id: string;
  at: string;
  type: string;
  element_id: string | null;
  actor: string | null;
  data: string | null;
}

const INSTANCE_COLUMNS = `definition_key = @definitionKey, definition_version = @definitionVersion,
  business_key = @businessKey, status = @status, variables = @variables, engine_state = @engineState,
  incidents = @incidents, revision = @revision, started_at = @startedAt, started_ms = @startedMs,
  started_by = @startedBy, ended_at = @endedAt, ended_ms = @endedMs, updated_at = @updatedAt`;

/**
 * elementStatistics: the running instances of one version come from the partial index
 * instances_running, their waits through the per-instance indexes of tasks, timers and
 * subscriptions. UNION counts an instance once per element even when it waits there twice
 * (a task and its deadline timer).
 */
export const ELEMENT_STATISTICS_SQL = `WITH running AS (
    SELECT id, incidents FROM instances
    WHERE definition_key = @definitionKey AND definition_version = @definitionVersion
      AND status IN ('active', 'incident')
  ),
  waits AS (
    SELECT t.element_id AS element_id, t.instance_id AS instance_id
      FROM running r CROSS JOIN tasks t ON t.instance_id = r.id WHERE t.state = 'open'
    UNION
    SELECT tm.element_id, tm.instance_id FROM running r CROSS JOIN timers tm ON tm.instance_id = r.id
    UNION
    SELECT s.element_id, s.instance_id FROM running r CROSS JOIN subscriptions s ON s.instance_id = r.id
  ),
  counts AS (
    SELECT element_id, 1 AS active, 0 AS incidents FROM waits
    UNION ALL
    SELECT json_extract(i.value, '$.elementId'), 0, 1 FROM running r, json_each(r.incidents) i
  )
  SELECT element_id, SUM(active) AS active, SUM(incidents) AS incidents
  FROM counts WHERE element_id IS NOT NULL
  GROUP BY element_id ORDER BY element_id`;

export class SqliteInstanceStore implements InstanceStore {
  private readonly insertInstance;
  private readonly updateInstance;
  private readonly selectInstance;
  private readonly upsertTask;
  private readonly deleteTaskGroups;
  private readonly deleteTaskUsers;
  private readonly insertTaskGroup;
  private readonly insertTaskUser;
  private readonly selectTask;
  private readonly selectTasksOfInstance;
  private readonly deleteTimersOfInstance;
  private readonly insertTimer;
  private readonly selectTimersOfInstance;
  private readonly deleteSubscriptionsOfInstance;
  private readonly insertSubscription;
  private readonly selectSubscriptionsOfInstance;
  private readonly selectSubscriptions;
  private readonly insertHistory;
  private readonly insertOutbox;
  private readonly consumeOutbox;
  private readonly selectHistory;
  private readonly selectEndedBefore;
  private readonly selectElementStatistics;
  private readonly purgeInstance;
  private readonly purgeTasks;
  private readonly purgeHistory;
  private readonly purgeComments;
  private readonly purgeOutbox;
  private readonly purgeIncidents;
  private readonly createTx;
  private readonly restoreTx;
  private readonly restoreOutbox;
  private readonly saveTx;
  private readonly purgeTx;

  constructor(private readonly sqlite: SqliteDatabase) {
    this.insertInstance = sqlite.statement(
      `INSERT INTO instances (id, definition_key, definition_version, business_key, status, variables,
         engine_state, incidents, revision, started_at, started_ms, started_by, ended_at, ended_ms, updated_at,
         purged_at)
       VALUES (@id, @definitionKey, @definitionVersion, @businessKey, @status, @variables,
         @engineState, @incidents, @revision, @startedAt, @startedMs, @startedBy, @endedAt, @endedMs, @updatedAt,
         @purgedAt)`,
    );
    this.updateInstance = sqlite.statement(
      `UPDATE instances SET ${INSTANCE_COLUMNS} WHERE id = @id AND revision = @expectedRevision`,
    );
    this.selectInstance = sqlite.statement<InstanceRow>(`SELECT * FROM instances WHERE id = ?`);

    // Upsert by id, but never move a task id from one instance to another.
    this.upsertTask = sqlite.statement(
      `INSERT INTO tasks (id, execution_id, instance_id, definition_key, definition_version, business_key, element_id, name,
         state, assignee, candidate_groups, candidate_users, form_id, form_version, due_at, due_ms,
         follow_up_at, created_at, created_ms, completed_at, completed_by, input)
       VALUES (@id, @executionId, @instanceId, @definitionKey, @definitionVersion, @businessKey, @elementId, @name,
         @state, @assignee, @candidateGroups, @candidateUsers, @formId, @formVersion, @dueAt, @dueMs,
         @followUpAt, @createdAt, @createdMs, @completedAt, @completedBy, @input)
       ON CONFLICT (id) DO UPDATE SET
         execution_id = excluded.execution_id, definition_key = excluded.definition_key, definition_version = excluded.definition_version,
         business_key = excluded.business_key, element_id = excluded.element_id, name = excluded.name,
         state = excluded.state, assignee = excluded.assignee, candidate_groups = excluded.candidate_groups,
         candidate_users = excluded.candidate_users, form_id = excluded.form_id,
         form_version = excluded.form_version, due_at = excluded.due_at, due_ms = excluded.due_ms,
         follow_up_at = excluded.follow_up_at, created_at = excluded.created_at,
         created_ms = excluded.created_ms, completed_at = excluded.completed_at,
         completed_by = excluded.completed_by, input = excluded.input
       WHERE tasks.instance_id = excluded.instance_id`,
    );
    this.deleteTaskGroups = sqlite.statement(`DELETE FROM task_candidate_groups WHERE task_id = ?`);
    this.deleteTaskUsers = sqlite.statement(`DELETE FROM task_candidate_users WHERE task_id = ?`);
    // The task's sort key is copied along with its state (see migration 4: the inbox query).
    this.insertTaskGroup = sqlite.statement(
      `INSERT OR IGNORE INTO task_candidate_groups (group_name, state, task_id, due_sort, created_ms) VALUES (?, ?, ?, ?, ?)`,
    );
    this.insertTaskUser = sqlite.statement(
      `INSERT OR IGNORE INTO task_candidate_users (user_id, state, task_id, due_sort, created_ms) VALUES (?, ?, ?, ?, ?)`,
    );
    this.selectTask = sqlite.statement<TaskRow>(`SELECT * FROM tasks WHERE id = ?`);
    this.selectTasksOfInstance = sqlite.statement<TaskRow>(
      `SELECT * FROM tasks WHERE instance_id = ? ORDER BY due_sort, created_ms, id`,
    );

    this.deleteTimersOfInstance = sqlite.statement(`DELETE FROM timers WHERE instance_id = ?`);
    this.insertTimer = sqlite.statement(INSERT_TIMER_SQL);
    this.selectTimersOfInstance = sqlite.statement<TimerRow>(
      `SELECT * FROM timers WHERE instance_id = ? ORDER BY due_ms, id`,
    );

    this.deleteSubscriptionsOfInstance = sqlite.statement(`DELETE FROM subscriptions WHERE instance_id = ?`);
    this.insertSubscription = sqlite.statement(
      `INSERT INTO subscriptions (id, instance_id, definition_key, element_id, message_name, correlation_key,
         ref, created_at, created_ms)
       VALUES (@id, @instanceId, @definitionKey, @elementId, @messageName, @correlationKey,
         @ref, @createdAt, @createdMs)`,
    );
    this.selectSubscriptionsOfInstance = sqlite.statement<SubscriptionRow>(
      `SELECT * FROM subscriptions WHERE instance_id = ? ORDER BY created_ms, id`,
    );
    this.selectSubscriptions = sqlite.statement<SubscriptionRow>(
      `SELECT * FROM subscriptions WHERE message_name = ? AND correlation_key IS ? ORDER BY created_ms, id`,
    );

    this.insertHistory = sqlite.statement(
      `INSERT INTO history (instance_id, at, type, element_id, actor, data) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.selectHistory = sqlite.statement<HistoryRow>(`SELECT * FROM history WHERE instance_id = ? ORDER BY seq`);

    this.insertOutbox = sqlite.statement(INSERT_OUTBOX_SQL);
    this.consumeOutbox = sqlite.statement(CONSUME_OUTBOX_SQL);

    // The WHERE repeats the partial index instances_retention word for word.
    this.selectEndedBefore = sqlite.statement<InstanceRow>(
      `SELECT * FROM instances
       WHERE definition_key = @definitionKey AND ended_ms < @beforeMs
         AND purged_at IS NULL AND status IN ('completed', 'cancelled')
       ORDER BY ended_ms, id LIMIT @limit`,
    );
    this.selectElementStatistics = sqlite.statement<{ element_id: string; active: number; incidents: number }>(ELEMENT_STATISTICS_SQL);
    // Retention keeps the skeleton; a second purge changes nothing but the (empty) data.
    this.purgeInstance = sqlite.statement(
      `UPDATE instances SET variables = '{}', engine_state = 'null',
         revision = revision + (purged_at IS NULL), purged_at = coalesce(purged_at, @at)
       WHERE id = @id`,
    );
    this.purgeTasks = sqlite.statement(`UPDATE tasks SET input = '{}' WHERE instance_id = ?`);
    this.purgeHistory = sqlite.statement(`UPDATE history SET data = NULL WHERE instance_id = ? AND data IS NOT NULL`);
    this.purgeComments = sqlite.statement(`UPDATE comments SET text = '' WHERE instance_id = ? AND text <> ''`);
    this.purgeOutbox = sqlite.statement(`UPDATE outbox SET variables = '{}' WHERE source_instance_id = ? AND variables <> '{}'`);
    // Incidents keep where and when, but not the message (it may quote case data) nor the
    // command to repeat (it holds submitted form data).
    this.purgeIncidents = sqlite.statement(
      `UPDATE instances SET incidents = (
         SELECT coalesce(json_group_array(json_object('id', json_extract(value, '$.id'),
           'elementId', json_extract(value, '$.elementId'), 'message', '', 'at', json_extract(value, '$.at'))), '[]')
         FROM json_each(instances.incidents))
       WHERE id = ?`,
    );

    this.createTx = sqlite.groupedTransaction((write: InstanceWrite) => {
      this.insertInstance.run(instanceParams(write.instance));
      this.writeParts(write);
    });
    this.restoreOutbox = sqlite.statement(RESTORE_OUTBOX_SQL);
    this.restoreTx = sqlite.transaction((write: InstanceWrite) => {
      this.insertInstance.run(instanceParams(write.instance));
      this.writeParts({ ...write, outbox: [], consumesOutbox: undefined });
      for (const message of write.outbox ?? []) this.restoreOutbox.run(restoredOutboxParams(message));
    });
    this.saveTx = sqlite.groupedTransaction((write: InstanceWrite, expectedRevision: number) => {
      const changed = this.updateInstance.run({ ...instanceParams(write.instance), expectedRevision }).changes;
      if (changed === 0) {
        throw new ConflictError(
          'revision_conflict',
          `Instance ${write.instance.id} is not at revision ${expectedRevision} (changed meanwhile, or gone).`,
        );
      }
      this.writeParts(write);
    });
    this.purgeTx = sqlite.transaction((id: string, at: string) => {
      const row = this.selectInstance.get(id);
      if (!row) throw new NotFoundError('instance_not_found', `Instance ${id} does not exist.`);
      if (row.status !== 'completed' && row.status !== 'cancelled') {
        throw new ConflictError(
          'instance_not_ended',
          `Instance ${id} has not ended (status ${row.status}); its case data is still in use.`,
        );
      }
      this.purgeInstance.run({ id, at });
      this.purgeTasks.run(id);
      this.purgeHistory.run(id);
      this.purgeComments.run(id);
      this.purgeOutbox.run(id);
      this.purgeIncidents.run(id);
    });
  }

  /**
   * Inside the transaction: the consumed message taken, tasks upserted, timers and
   * subscriptions replaced, history appended, thrown messages added.
   */
  private writeParts(write: InstanceWrite): void {
    const instanceId = write.instance.id;
    if (write.consumesOutbox != null) {
      const taken = this.consumeOutbox.run({ id: write.consumesOutbox, instanceId, at: write.instance.updatedAt });
      if (taken.changes === 0) {
        throw new ConflictError(
          'outbox_consumed',
          `Message ${write.consumesOutbox} is no longer pending (delivered already, or unknown).`,
        );
      }
    }
    for (const task of write.tasks) {
      const params = taskParams(task);
      if (this.upsertTask.run(params).changes === 0) {
        throw new ConflictError('duplicate_id', `Task id ${task.id} belongs to another instance.`);
      }
      this.deleteTaskGroups.run(task.id);
      this.deleteTaskUsers.run(task.id);
      const dueSort = params.dueMs ?? NO_DUE_SORT;
      for (const group of task.candidateGroups) this.insertTaskGroup.run(group, task.state, task.id, dueSort, params.createdMs);
      for (const user of task.candidateUsers) this.insertTaskUser.run(user, task.state, task.id, dueSort, params.createdMs);
    }
    this.deleteTimersOfInstance.run(instanceId);
    for (const timer of write.timers) this.insertTimer.run(timerParams(timer));
    this.deleteSubscriptionsOfInstance.run(instanceId);
    for (const subscription of write.subscriptions) {
      this.insertSubscription.run(subscriptionParams(subscription));
    }
    for (const event of write.history) {
      this.insertHistory.run(
        event.instanceId,
        event.at,
        event.type,
        event.elementId,
        event.actor,
        event.data === undefined ? null : toJson(event.data),
      );
    }
    for (const message of write.outbox ?? []) this.insertOutbox.run(outboxParams(message));
  }

  async create(write: InstanceWrite): Promise<void> {
    checkCreate(write);
    await this.createTx(write);
  }

  async restore(write: InstanceWrite): Promise<void> {
    checkRestore(write);
    this.restoreTx(write);
  }

  async get(id: string): Promise<InstanceRecord | null> {
    const row = this.sqlite.run(() => this.selectInstance.get(id));
    return row ? toInstance(row) : null;
  }

  async save(write: InstanceWrite, expectedRevision: number): Promise<void> {
    checkSave(write, expectedRevision);
    await this.saveTx(write, expectedRevision);
  }

  async list(query: InstanceQuery): Promise<Page<InstanceRecord>> {
    const limit = pageLimit(query.limit);
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.definitionKey !== undefined) {
      where.push('definition_key = ?');
      params.push(query.definitionKey);
    }
    if (query.definitionVersion !== undefined) {
      where.push('definition_version = ?');
      params.push(query.definitionVersion);
    }
    if (query.status !== undefined) {
      where.push('status = ?');
      params.push(query.status);
    }
    if (query.businessKey !== undefined) {
      where.push('business_key = ?');
      params.push(query.businessKey);
    }
    if (query.withIncidents) where.push('incident_count > 0');
    if (query.cursor !== undefined) {
      const [startedMs, id] = decodeCursor(query.cursor, ['number', 'string']);
      where.push('(started_ms, id) < (?, ?)');
      params.push(startedMs, id);
    }
    const sql =
      `SELECT * FROM instances ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ` +
      `ORDER BY started_ms DESC, id DESC LIMIT ?`;
    const rows = this.sqlite.run(() => this.sqlite.statement<InstanceRow>(sql).all(...params, limit + 1));
    return toPage(rows, limit, toInstance, (last) => [last.started_ms, last.id]);
  }

  async getTask(id: string): Promise<TaskRecord | null> {
    const row = this.sqlite.run(() => this.selectTask.get(id));
    return row ? toTask(row) : null;
  }

  async listTasks(query: TaskQuery): Promise<Page<TaskRecord>> {
    const limit = pageLimit(query.limit);
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.state !== undefined) {
      // An instance or a case number picks a handful of tasks through its own index; without
      // statistics SQLite would rather walk the state index for its order (every open task).
      const selective = query.instanceId !== undefined || query.businessKey !== undefined;
      where.push(selective ? '+t.state = ?' : 't.state = ?');
      params.push(query.state);
    }
    if (query.instanceId !== undefined) {
      where.push('t.instance_id = ?');
      params.push(query.instanceId);
    }
    if (query.definitionKey !== undefined) {
      where.push('t.definition_key = ?');
      params.push(query.definitionKey);
    }
    if (query.assignee !== undefined) {
      where.push('t.assignee = ?');
      params.push(query.assignee);
    }
    if (query.businessKey !== undefined) {
      where.push('t.business_key = ?');
      params.push(query.businessKey);
    }
    if (query.dueBefore !== undefined) {
      where.push('t.due_sort < ?'); // tasks without dueAt sort after every time: excluded
      params.push(toMs(query.dueBefore, 'dueBefore'));
    }
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['number', 'number', 'string']);
    let from = 'tasks AS t';
    const fromParams: unknown[] = [];
    if (query.visibleTo !== undefined) {
      const visible = visibleTasks(query, after, limit + 1);
      if ('ids' in visible) {
        // CROSS JOIN keeps this order: the few ids first, then each task by its key.
        from = `(${visible.ids}) AS v CROSS JOIN tasks AS t ON t.id = v.id`;
        fromParams.push(...visible.params);
      } else {
        where.push(visible.where);
        params.push(...visible.params);
      }
    }
    if (after !== undefined) {
      where.push('(t.due_sort, t.created_ms, t.id) > (?, ?, ?)');
      params.push(...after);
    }
    const sql =
      `SELECT t.* FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ` +
      `ORDER BY t.due_sort, t.created_ms, t.id LIMIT ?`;
    const rows = this.sqlite.run(() => this.sqlite.statement<TaskRow>(sql).all(...fromParams, ...params, limit + 1));
    return toPage(rows, limit, toTask, (last) => [last.due_sort, last.created_ms, last.id]);
  }

  async tasksOfInstance(instanceId: string): Promise<TaskRecord[]> {
    return this.sqlite.run(() => this.selectTasksOfInstance.all(instanceId)).map(toTask);
  }

  async timersOfInstance(instanceId: string): Promise<TimerRecord[]> {
    return this.sqlite.run(() => this.selectTimersOfInstance.all(instanceId)).map(toTimer);
  }

  async subscriptionsOfInstance(instanceId: string): Promise<SubscriptionRecord[]> {
    return this.sqlite.run(() => this.selectSubscriptionsOfInstance.all(instanceId)).map(toSubscription);
  }

  async findSubscriptions(messageName: string, correlationKey: string | null): Promise<SubscriptionRecord[]> {
    return this.sqlite.run(() => this.selectSubscriptions.all(messageName, correlationKey)).map(toSubscription);
  }

  async history(instanceId: string): Promise<StoredHistoryEvent[]> {
    return this.sqlite.run(() => this.selectHistory.all(instanceId)).map(toHistoryEvent);
  }

  async elementStatistics(definitionKey: string, definitionVersion: number): Promise<ElementStatistics[]> {
    return this.sqlite
      .run(() => this.selectElementStatistics.all({ definitionKey, definitionVersion }))
      .map((row) => ({ elementId: String(row.element_id), active: Number(row.active), incidents: Number(row.incidents) }));
  }

  async endedBefore(definitionKey: string, before: string, limit: number): Promise<InstanceRecord[]> {
    const params = { definitionKey, beforeMs: toMs(before, 'before'), limit: Math.max(0, Math.floor(limit)) };
    return this.sqlite.run(() => this.selectEndedBefore.all(params)).map(toInstance);
  }

  async purgeCaseData(instanceId: string, at: string): Promise<void> {
    toMs(at, 'at');
    this.purgeTx(instanceId, at);
  }
}

/**
 * The tasks a case worker may see, in the form that is cheap for the query at hand:
 * - the inbox (a state, no other filter but the cursor and dueBefore): the ids of at most one
 *   page from each group, from the user's candidacies and assignments, each read in sort order
 *   from its sorted index. The cost follows the page and the user's groups, not the open tasks
 *   of those groups; the page of the union is within the union of the branches' pages.
 * - any other filter (an instance, a case number, a process...): a condition on `t`; the
 *   filter's own index picks the tasks and each is checked with index probes (EXISTS).
 */
function visibleTasks(query: TaskQuery, after: CursorKey | undefined, pageSize: number): { ids: string; params: unknown[] } | { where: string; params: unknown[] } {
  const { userId, groups } = query.visibleTo!;
  const filtered = query.instanceId !== undefined || query.definitionKey !== undefined || query.assignee !== undefined || query.businessKey !== undefined;
  if (query.state === undefined || filtered) {
    return {
      where: `(EXISTS (SELECT 1 FROM task_candidate_groups g WHERE g.task_id = t.id AND g.group_name IN (SELECT value FROM json_each(?)))
        OR EXISTS (SELECT 1 FROM task_candidate_users u WHERE u.task_id = t.id AND u.user_id = ?)
        OR t.assignee = ?)`,
      params: [JSON.stringify(groups), userId, userId],
    };
  }
  const range = (idColumn: string) =>
    (after !== undefined ? ` AND (due_sort, created_ms, ${idColumn}) > (?, ?, ?)` : '') + (query.dueBefore !== undefined ? ' AND due_sort < ?' : '');
  const rangeParams = [...(after ?? []), ...(query.dueBefore !== undefined ? [toMs(query.dueBefore, 'dueBefore')] : [])];
  const branch = (table: string, column: string, idColumn: string) =>
    `SELECT ${idColumn} AS id FROM (SELECT ${idColumn} FROM ${table} WHERE ${column} = ? AND state = ?${range(idColumn)}
      ORDER BY due_sort, created_ms, ${idColumn} LIMIT ?)`;
  const branches: string[] = [];
  const params: unknown[] = [];
  for (const group of new Set(groups)) {
    branches.push(branch('task_candidate_groups', 'group_name', 'task_id'));
    params.push(group, query.state, ...rangeParams, pageSize);
  }
  branches.push(branch('task_candidate_users', 'user_id', 'task_id'), branch('tasks', 'assignee', 'id'));
  params.push(userId, query.state, ...rangeParams, pageSize, userId, query.state, ...rangeParams, pageSize);
  // UNION: a task seen through several branches once.
  return { ids: branches.join(' UNION '), params };
}

function toPage<Row, T>(rows: Row[], limit: number, map: (row: Row) => T, key: (row: Row) => (string | number)[]): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  return {
    items: pageRows.map(map),
    nextCursor: more ? encodeCursor(key(pageRows[pageRows.length - 1])) : null,
  };
}

function instanceParams(instance: InstanceRecord) {
  return {
    id: instance.id,
    definitionKey: instance.definitionKey,
    definitionVersion: instance.definitionVersion,
    businessKey: instance.businessKey,
    status: instance.status,
    variables: toJson(instance.variables),
    engineState: toJson(instance.engineState),
    incidents: toJson(instance.incidents),
    revision: instance.revision,
    startedAt: instance.startedAt,
    startedMs: toMs(instance.startedAt, 'startedAt'),
    startedBy: instance.startedBy,
    endedAt: instance.endedAt,
    endedMs: toMsOrNull(instance.endedAt, 'endedAt'),
    updatedAt: instance.updatedAt,
    purgedAt: instance.purgedAt ?? null,
  };
}

function toInstance(row: InstanceRow): InstanceRecord {
  const instance: InstanceRecord = {
    id: row.id,
    definitionKey: row.definition_key,
    definitionVersion: row.definition_version,
    businessKey: row.business_key,
    status: row.status,
    variables: fromJson<Variables>(row.variables),
    engineState: fromJson<Json | null>(row.engine_state),
    incidents: fromJson<IncidentRecord[]>(row.incidents),
    revision: row.revision,
    startedAt: row.started_at,
    startedBy: row.started_by,
    endedAt: row.ended_at,
    updatedAt: row.updated_at,
  };
  if (row.purged_at !== null) instance.purgedAt = row.purged_at;
  return instance;
}

function taskParams(task: TaskRecord) {
  return {
    id: task.id,
    executionId: task.executionId,
    instanceId: task.instanceId,
    definitionKey: task.definitionKey,
    definitionVersion: task.definitionVersion,
    businessKey: task.businessKey,
    elementId: task.elementId,
    name: task.name,
    state: task.state,
    assignee: task.assignee,
    candidateGroups: toJson(task.candidateGroups),
    candidateUsers: toJson(task.candidateUsers),
    formId: task.formId,
    formVersion: task.formVersion,
    dueAt: task.dueAt,
    dueMs: toMsOrNull(task.dueAt, 'dueAt'),
    followUpAt: task.followUpAt,
    createdAt: task.createdAt,
    createdMs: toMs(task.createdAt, 'createdAt'),
    completedAt: task.completedAt,
    completedBy: task.completedBy,
    input: toJson(task.input),
  };
}

function toTask(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    executionId: row.execution_id,
    instanceId: row.instance_id,
    definitionKey: row.definition_key,
    definitionVersion: row.definition_version,
    businessKey: row.business_key,
    elementId: row.element_id,
    name: row.name,
    state: row.state,
    assignee: row.assignee,
    candidateGroups: fromJson<string[]>(row.candidate_groups),
    candidateUsers: fromJson<string[]>(row.candidate_users),
    formId: row.form_id,
    formVersion: row.form_version,
    dueAt: row.due_at,
    followUpAt: row.follow_up_at,
    createdAt: row.created_at,
    completedAt: row.completed_at,
    completedBy: row.completed_by,
    input: fromJson<Variables>(row.input),
  };
}

function subscriptionParams(subscription: SubscriptionRecord) {
  return {
    id: subscription.id,
    instanceId: subscription.instanceId,
    definitionKey: subscription.definitionKey,
    elementId: subscription.elementId,
    messageName: subscription.messageName,
    correlationKey: subscription.correlationKey,
    ref: toJson(subscription.ref),
    createdAt: subscription.createdAt,
    createdMs: toMs(subscription.createdAt, 'createdAt'),
  };
}

function toSubscription(row: SubscriptionRow): SubscriptionRecord {
  return {
    id: row.id,
    instanceId: row.instance_id,
    definitionKey: row.definition_key,
    elementId: row.element_id,
    messageName: row.message_name,
    correlationKey: row.correlation_key,
    ref: fromJson<Json>(row.ref),
    createdAt: row.created_at,
  };
}

function toHistoryEvent(row: HistoryRow): StoredHistoryEvent {
  const event: StoredHistoryEvent = {
    seq: row.seq,
    instanceId: row.instance_id,
    at: row.at,
    type: row.type,
    elementId: row.element_id,
    actor: row.actor,
  };
  if (row.data !== null) event.data = fromJson<Record<string, unknown>>(row.data);
  return event;
}
