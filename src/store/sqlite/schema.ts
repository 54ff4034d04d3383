/**
 * The SQLite schema, created and migrated by `PRAGMA user_version`: migration n brings the
 * file from user_version n to n + 1. Append migrations; never edit a released one.
 *
 * Times are kept twice: the ISO string as given (returned unchanged) and epoch
 * milliseconds (`*_ms`) for ordering and comparison, so that '...T09:00:00Z' and
 * '...T09:00:00.000Z' sort as the same instant.
 */
import type Database from 'better-sqlite3';
import { UnavailableError } from '../../errors.js';

/** Sort value of a task without dueAt: after every real time (nulls last). */
export const NO_DUE_SORT = Number.MAX_SAFE_INTEGER;

const MIGRATIONS: string[] = [
  // 1: the initial schema
  `
  CREATE TABLE definition_versions (
    key          TEXT NOT NULL,
    version      INTEGER NOT NULL,
    name         TEXT NOT NULL,
    checksum     TEXT NOT NULL,
    xml          TEXT NOT NULL,
    deployed_at  TEXT NOT NULL,
    deployed_by  TEXT NOT NULL,
    forms        TEXT NOT NULL, -- JSON
    settings     TEXT NOT NULL, -- JSON
    PRIMARY KEY (key, version)
  ) STRICT;

  CREATE TABLE form_versions (
    form_id      TEXT NOT NULL,
    version      INTEGER NOT NULL,
    checksum     TEXT NOT NULL,
    schema       TEXT NOT NULL, -- JSON
    deployed_at  TEXT NOT NULL,
    deployed_by  TEXT NOT NULL,
    PRIMARY KEY (form_id, version)
  ) STRICT;

  CREATE TABLE instances (
    id                  TEXT PRIMARY KEY,
    definition_key      TEXT NOT NULL,
    definition_version  INTEGER NOT NULL,
    business_key        TEXT,
    status              TEXT NOT NULL CHECK (status IN ('active', 'completed', 'cancelled', 'incident')),
    variables           TEXT NOT NULL, -- JSON
    engine_state        TEXT NOT NULL, -- JSON ('null' once ended)
    incidents           TEXT NOT NULL, -- JSON array
    incident_count      INTEGER GENERATED ALWAYS AS (json_array_length(incidents)) STORED,
    revision            INTEGER NOT NULL,
    started_at          TEXT NOT NULL,
    started_ms          INTEGER NOT NULL,
    started_by          TEXT NOT NULL,
    ended_at            TEXT,
    updated_at          TEXT NOT NULL
  ) STRICT;
  CREATE INDEX instances_started ON instances (started_ms, id);
  CREATE INDEX instances_definition ON instances (definition_key, definition_version, started_ms, id);
  CREATE INDEX instances_status ON instances (status, started_ms, id);
  CREATE INDEX instances_business_key ON instances (business_key, started_ms, id);
  CREATE INDEX instances_with_incidents ON instances (started_ms, id) WHERE incident_count > 0;

  CREATE TABLE tasks (
    id                  TEXT PRIMARY KEY,
    execution_id        TEXT NOT NULL,
    instance_id         TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    definition_key      TEXT NOT NULL,
    definition_version  INTEGER NOT NULL,
    business_key        TEXT,
    element_id          TEXT NOT NULL,
    name                TEXT NOT NULL,
    state               TEXT NOT NULL CHECK (state IN ('open', 'completed', 'cancelled')),
    assignee            TEXT,
    candidate_groups    TEXT NOT NULL, -- JSON array as given; indexed in task_candidate_groups
    candidate_users     TEXT NOT NULL, -- JSON array as given; indexed in task_candidate_users
    form_id             TEXT,
    form_version        INTEGER,
    due_at              TEXT,
    due_ms              INTEGER,
    due_sort            INTEGER GENERATED ALWAYS AS (coalesce(due_ms, ${NO_DUE_SORT})) STORED,
    follow_up_at        TEXT,
    created_at          TEXT NOT NULL,
    created_ms          INTEGER NOT NULL,
    completed_at        TEXT,
    completed_by        TEXT,
    input               TEXT NOT NULL -- JSON
  ) STRICT;
  CREATE INDEX tasks_sort ON tasks (due_sort, created_ms, id);
  CREATE INDEX tasks_state ON tasks (state, due_sort, created_ms, id);
  CREATE INDEX tasks_instance ON tasks (instance_id);
  CREATE INDEX tasks_definition ON tasks (definition_key, state, due_sort, created_ms, id);
  CREATE INDEX tasks_assignee ON tasks (assignee, state, due_sort, created_ms, id);
  CREATE INDEX tasks_business_key ON tasks (business_key);

  -- One row per (task, candidate group) / (task, candidate user), with the task's state
  -- copied so that "open tasks of my groups" does not walk every closed task of a group.
  CREATE TABLE task_candidate_groups (
    group_name  TEXT NOT NULL,
    state       TEXT NOT NULL,
    task_id     TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    PRIMARY KEY (group_name, state, task_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX task_candidate_groups_task ON task_candidate_groups (task_id);

  CREATE TABLE task_candidate_users (
    user_id  TEXT NOT NULL,
    state    TEXT NOT NULL,
    task_id  TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, state, task_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX task_candidate_users_task ON task_candidate_users (task_id);

  CREATE TABLE timers (
    id                  TEXT PRIMARY KEY,
    instance_id         TEXT REFERENCES instances (id) ON DELETE CASCADE, -- NULL: start timer
    definition_key      TEXT NOT NULL,
    definition_version  INTEGER NOT NULL,
    element_id          TEXT NOT NULL,
    timer_type          TEXT NOT NULL,
    due_at              TEXT NOT NULL,
    due_ms              INTEGER NOT NULL,
    repetitions_left    INTEGER,
    ref                 TEXT NOT NULL, -- JSON
    lease_owner         TEXT,
    lease_until         TEXT,
    lease_until_ms      INTEGER,
    -- The first moment the timer can be claimed: dueAt, or the end of a later lease.
    -- due(now) is due_ms <= now AND ready_ms <= now; nextDueAt() is min(ready_ms).
    ready_ms            INTEGER GENERATED ALWAYS AS (
      CASE WHEN lease_owner IS NULL OR lease_until_ms IS NULL OR lease_until_ms < due_ms
           THEN due_ms ELSE lease_until_ms END) STORED
  ) STRICT;
  CREATE INDEX timers_due ON timers (due_ms, id);
  CREATE INDEX timers_ready ON timers (ready_ms);
  CREATE INDEX timers_instance ON timers (instance_id);
  CREATE INDEX timers_start ON timers (definition_key) WHERE instance_id IS NULL;

  CREATE TABLE subscriptions (
    id               TEXT PRIMARY KEY,
    instance_id      TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    definition_key   TEXT NOT NULL,
    element_id       TEXT NOT NULL,
    message_name     TEXT NOT NULL,
    correlation_key  TEXT,
    ref              TEXT NOT NULL, -- JSON
    created_at       TEXT NOT NULL,
    created_ms       INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX subscriptions_message ON subscriptions (message_name, correlation_key, created_ms, id);
  CREATE INDEX subscriptions_instance ON subscriptions (instance_id);

  CREATE TABLE history (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id  TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    at           TEXT NOT NULL,
    type         TEXT NOT NULL,
    element_id   TEXT,
    actor        TEXT,
    data         TEXT -- JSON; NULL when the event has none
  ) STRICT;
  CREATE INDEX history_instance ON history (instance_id, seq);

  -- Messages thrown by an instance (hand-overs), kept after delivery as a record.
  -- No foreign key: a message outlives its sender.
  CREATE TABLE outbox (
    id                  TEXT PRIMARY KEY,
    source_instance_id  TEXT NOT NULL,
    source_element_id   TEXT NOT NULL,
    message_name        TEXT NOT NULL,
    correlation_key     TEXT,
    variables           TEXT NOT NULL, -- JSON
    created_at          TEXT NOT NULL,
    created_ms          INTEGER NOT NULL,
    due_at              TEXT NOT NULL,
    due_ms              INTEGER NOT NULL,
    attempts            INTEGER NOT NULL,
    last_error          TEXT,
    lease_owner         TEXT,
    lease_until         TEXT,
    lease_until_ms      INTEGER,
    state               TEXT NOT NULL CHECK (state IN ('pending', 'delivered')),
    delivered_at        TEXT,
    delivered_to        TEXT NOT NULL, -- JSON array of instance ids
    ready_ms            INTEGER GENERATED ALWAYS AS (
      CASE WHEN lease_owner IS NULL OR lease_until_ms IS NULL OR lease_until_ms < due_ms
           THEN due_ms ELSE lease_until_ms END) STORED
  ) STRICT;
  CREATE INDEX outbox_due ON outbox (state, due_ms, id);
  CREATE INDEX outbox_created ON outbox (created_ms, id);
  CREATE INDEX outbox_state ON outbox (state, created_ms, id);
  CREATE INDEX outbox_source ON outbox (source_instance_id, created_ms, id);
  CREATE INDEX outbox_message ON outbox (message_name, created_ms, id);
  `,

  // 2: users and tokens, the audit log, drafts, comments, retention of case data
  `
  -- Retention: when the case data was removed, and the end time as an instant.
  ALTER TABLE instances ADD COLUMN purged_at TEXT;
  ALTER TABLE instances ADD COLUMN ended_ms INTEGER;
  UPDATE instances
    SET ended_ms = CAST(round((julianday(ended_at) - 2440587.5) * 86400000) AS INTEGER)
    WHERE ended_at IS NOT NULL;
  -- endedBefore(): ended instances of a key whose case data is still there, oldest first.
  CREATE INDEX instances_retention ON instances (definition_key, ended_ms, id)
    WHERE purged_at IS NULL AND status IN ('completed', 'cancelled');

  CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    password_hash  TEXT,
    roles          TEXT NOT NULL, -- JSON array
    organisation   TEXT,
    groups         TEXT NOT NULL, -- JSON array
    disabled       INTEGER NOT NULL CHECK (disabled IN (0, 1)),
    created_at     TEXT NOT NULL
  ) STRICT;

  -- Bearer tokens by their sha256; no foreign key, as in any adapter.
  CREATE TABLE tokens (
    hash        TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    expires_ms  INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX tokens_expires ON tokens (expires_ms);

  -- The audit log: a hash chain, seq 1, 2, 3, ... assigned by append (never AUTOINCREMENT,
  -- so that nothing leaves a gap). Append-only: the triggers refuse updates and deletes.
  CREATE TABLE audit_entries (
    seq           INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    at_ms         INTEGER NOT NULL,
    actor         TEXT NOT NULL,
    role          TEXT,
    organisation  TEXT,
    action        TEXT NOT NULL,
    resource      TEXT NOT NULL,
    instance_id   TEXT,
    outcome       TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied', 'failed')),
    details       TEXT, -- JSON; NULL when the entry has none
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
  ) STRICT;
  CREATE INDEX audit_instance ON audit_entries (instance_id, seq);
  CREATE INDEX audit_actor ON audit_entries (actor, seq);
  CREATE INDEX audit_at ON audit_entries (at_ms);
  CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
  CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;

  CREATE TABLE drafts (
    key       TEXT PRIMARY KEY,
    xml       TEXT NOT NULL,
    forms     TEXT NOT NULL, -- JSON
    saved_at  TEXT NOT NULL,
    saved_by  TEXT NOT NULL,
    problems  TEXT NOT NULL -- JSON array
  ) STRICT;

  -- No foreign key: comments are checked by the service, as in any adapter.
  CREATE TABLE comments (
    id            TEXT PRIMARY KEY,
    instance_id   TEXT NOT NULL,
    task_id       TEXT,
    text          TEXT NOT NULL,
    author        TEXT NOT NULL,
    organisation  TEXT,
    at            TEXT NOT NULL,
    at_ms         INTEGER NOT NULL,
    visible_to    TEXT NOT NULL -- JSON array, or 'null' for everyone who may read the case
  ) STRICT;
  CREATE INDEX comments_instance ON comments (instance_id, at_ms, id);
  `,

  // 3: running instances per definition version (elementStatistics: the modeler's overlays)
  `
  CREATE INDEX instances_running ON instances (definition_key, definition_version)
    WHERE status IN ('active', 'incident');
  `,

  // 4: the inbox ("open tasks of my groups", sorted, one page) reads each group's tasks in
  // sort order and stops after a page: the rows carry the task's sort key. Before, the query
  // collected every visible task id first, so its cost grew with the open tasks of a group
  // (about 100 ms at 100,000).
  `
  ALTER TABLE task_candidate_groups ADD COLUMN due_sort INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE task_candidate_groups ADD COLUMN created_ms INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE task_candidate_users ADD COLUMN due_sort INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE task_candidate_users ADD COLUMN created_ms INTEGER NOT NULL DEFAULT 0;
  UPDATE task_candidate_groups SET
    due_sort = (SELECT due_sort FROM tasks WHERE tasks.id = task_id),
    created_ms = (SELECT created_ms FROM tasks WHERE tasks.id = task_id);
  UPDATE task_candidate_users SET
    due_sort = (SELECT due_sort FROM tasks WHERE tasks.id = task_id),
    created_ms = (SELECT created_ms FROM tasks WHERE tasks.id = task_id);
  CREATE INDEX task_candidate_groups_sorted ON task_candidate_groups (group_name, state, due_sort, created_ms, task_id);
  CREATE INDEX task_candidate_users_sorted ON task_candidate_users (user_id, state, due_sort, created_ms, task_id);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database to SCHEMA_VERSION (tests may stop at an older `target` to build a
 * file as an earlier Samenspel wrote it); refuses a file written by a newer Samenspel.
 */
export function migrate(db: Database.Database, target = SCHEMA_VERSION): void {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  const check = (current: number) => {
    if (current > SCHEMA_VERSION) {
      throw new UnavailableError(
        'schema_too_new',
        `The database has schema version ${current}; this Samenspel knows up to ${SCHEMA_VERSION}.`,
      );
    }
  };
  check(version());
  if (version() >= target) return;
  // Under the write lock, read again: another process may have migrated meanwhile.
  db.transaction(() => {
    const current = version();
    check(current);
    if (current >= target) return;
    for (let v = current; v < target; v++) db.exec(MIGRATIONS[v]);
    db.pragma(`user_version = ${target}`);
  }).immediate();
}
