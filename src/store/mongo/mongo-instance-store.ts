/**
 * Instances with their tasks, timers, subscriptions, history and thrown messages.
 *
 * The commit point of every command is ONE conditional update of the instance document
 * (`{_id, revision: expected}`), so the atomicity of a command does not depend on
 * multi-document transactions (which the jongodb test server accepts but does not isolate,
 * and which need a replica set). The write carries its derived rows in a `journal` on the
 * instance document:
 *
 * 1. before the commit: history seqs are allocated, ids are checked against other
 *    instances, and a consumed hand-over message is reserved (mongo-outbox-store.ts);
 * 2. commit: the instance document gets the new revision, `dirty: true` and the journal, only
 *    if it is still at the expected revision and its previous journal was applied;
 * 3. after the commit the journal is applied to the derived collections (tasks upserted,
 *    timers and subscriptions replaced, history and messages inserted, the consumed message
 *    marked delivered), idempotently: rows carry the revision that wrote them and are only
 *    overwritten by a higher one, inserts skip existing keys. Then `dirty` is cleared.
 *
 * A write that loses the race changes nothing visible (its reservation is given back, its
 * seqs stay unused). A node that dies between 2 and 3 leaves a dirty instance: whoever reads
 * that instance's parts next applies the journal first (ensureApplied), the next write of the
 * instance does before it commits, and every node's scheduler sweeps dirty instances when it
 * looks for due timers and messages. So a crash leaves the old or the new state, never a mix,
 * and an acknowledged write is never lost.
 */
import { ConflictError, NotFoundError, UnavailableError } from '../../errors.js';
import { checkCreate, checkRestore, checkSave } from '../instance-write-checks.js';
import { decodeCursor, encodeCursor, pageLimit } from '../paging.js';
import type {
  ElementStatistics,
  IncidentRecord,
  InstanceQuery,
  InstanceRecord,
  InstanceStatus,
  InstanceStore,
  InstanceWrite,
  Json,
  OutboxRecord,
  Page,
  StoredHistoryEvent,
  SubscriptionRecord,
  TaskQuery,
  TaskRecord,
  TaskState,
  TimerRecord,
  Variables,
} from '../port.js';
import { isUnavailable } from './mongo-errors.js';
import { applyOperations, fromJson, toJson, toMs, toMsOrNull, type MongoDatabase } from './mongo-database.js';
import { RESERVATION_TTL_MS, toOutboxDoc, type MongoOutboxStore, type Reservation } from './mongo-outbox-store.js';
import { toTimer, toTimerDoc } from './mongo-timer-store.js';
import {
  NO_DUE_SORT,
  type HistoryDoc,
  type InstanceDoc,
  type Journal,
  type OutboxDoc,
  type SubscriptionDoc,
  type TaskDoc,
  type TimerDoc,
} from './schemas.js';

type WriteJournal = Extract<Journal, { kind: 'write' }>;

/** How often a commit that found the previous journal unapplied applies it and tries again. */
const COMMIT_ATTEMPTS = 5;
/** Dirty instances younger than this are left to the writer that is applying them. */
const SWEEP_GRACE_MS = 2000;
/** A scheduler polls often; one sweep per this interval is plenty. */
const SWEEP_INTERVAL_MS = 1000;
const SWEEP_BATCH = 50;

/** What the derived collections held before a write: known to its writer, not to others. */
interface Previous {
  timerIds: string[];
  subscriptionIds: string[];
}

export class MongoInstanceStore implements InstanceStore {
  private lastSweep = 0;
  private sweeping: Promise<void> | null = null;
  /** ensureApplied calls in flight, so that parallel reads of one instance's parts share one look. */
  private readonly applying = new Map<string, Promise<InstanceDoc | null>>();

  constructor(
    private readonly db: MongoDatabase,
    private readonly outbox: MongoOutboxStore,
  ) {}

  private get models() {
    return this.db.models;
  }

  // ---------------------------------------------------------------- writes

  async create(write: InstanceWrite): Promise<void> {
    checkCreate(write);
    await this.commit(write, null);
  }

  async save(write: InstanceWrite, expectedRevision: number): Promise<void> {
    checkSave(write, expectedRevision);
    await this.commit(write, expectedRevision);
  }

  /**
   * Imports an instance exactly as another store holds it (any revision; thrown messages
   * with their delivery state): for `npm run store:copy` into an empty store.
   */
  async restore(write: InstanceWrite): Promise<void> {
    checkRestore(write);
    await this.commit(write, null, { restore: true });
  }

  private async commit(write: InstanceWrite, expectedRevision: number | null, options: { restore?: boolean } = {}): Promise<void> {
    const instance = write.instance;
    const revision = instance.revision;
    // Everything is converted (and every time checked) before the database is touched.
    const fields = instanceFields(write);
    const tasks = write.tasks.map((task) => toTaskDoc(task, revision));
    const timers = write.timers.map((timer) => toTimerDoc(timer, revision));
    const subscriptions = write.subscriptions.map((sub) => toSubscriptionDoc(sub, revision));
    const outbox = (write.outbox ?? []).map((message) => (options.restore ? toRestoredOutboxDoc(message) : toOutboxDoc(message)));
    write.history.forEach((event) => toMs(event.at, 'at'));

    await this.db.run(async () => {
      await this.checkIdsFree(instance.id, tasks, timers, subscriptions, outbox);
      const history = await this.historyDocs(write);
      let reservation: Reservation | null = null;
      let previous: Previous | undefined;
      if (write.consumesOutbox != null) reservation = await this.outbox.reserve(write.consumesOutbox, instance.id, revision);
      const journal: WriteJournal = {
        kind: 'write',
        revision,
        at: Date.now(),
        tasks,
        timers,
        subscriptions,
        history,
        outbox,
        consumes: reservation ? { id: reservation.id, at: instance.updatedAt, token: reservation.token } : null,
      };
      try {
        if (reservation && Date.now() - reservation.atMs > RESERVATION_TTL_MS / 2) {
          throw new UnavailableError('store_slow', 'The write took too long to take its message; try again.');
        }
        if (expectedRevision === null) {
          const doc: InstanceDoc = { _id: instance.id, ...fields, purgedAt: instance.purgedAt ?? null, dirty: true, journal };
          await this.models.instances.insertMany([doc], { lean: true });
          previous = { timerIds: [], subscriptionIds: [] }; // a new instance replaces nothing
        } else {
          await this.commitSave(instance.id, fields, expectedRevision, journal);
        }
      } catch (error) {
        if (reservation) await this.outbox.unreserve(reservation).catch(() => undefined);
        throw error;
      }
      await this.applyCommitted(instance.id, journal, previous);
    });
  }

  /**
   * The conditional update that commits a save (after applying a journal left unapplied).
   * An updateOne: conditional writes never use findOneAndUpdate, whose match and update the
   * jongodb test server does not make atomic.
   */
  private async commitSave(id: string, fields: InstanceFields, expectedRevision: number, journal: WriteJournal): Promise<void> {
    for (let attempt = 1; attempt <= COMMIT_ATTEMPTS; attempt++) {
      const result = await this.models.instances
        .updateOne({ _id: id, revision: expectedRevision, dirty: false }, { $set: { ...fields, dirty: true, journal } })
        .exec();
      if (result.matchedCount > 0) return;
      const current = await this.models.instances.findOne({ _id: id }).lean<InstanceDoc>().exec();
      if (!current || current.revision !== expectedRevision || !current.dirty || !current.journal) break;
      await this.applyJournal(current._id, current.journal);
    }
    throw new ConflictError(
      'revision_conflict',
      `Instance ${id} is not at revision ${expectedRevision} (changed meanwhile, or gone).`,
    );
  }

  /**
   * Ids must not belong to another instance (tasks, timers, subscriptions) or exist at all
   * (thrown messages): the same refusals the SQLite keys give, checked before the commit.
   */
  private async checkIdsFree(instanceId: string, tasks: TaskDoc[], timers: TimerDoc[], subscriptions: SubscriptionDoc[], outbox: OutboxDoc[]): Promise<void> {
    const taken = async (kind: string, found: Promise<{ _id: string }[]>) => {
      const [first] = await found;
      if (first) throw new ConflictError('duplicate_id', `${kind} id ${first._id} belongs to another instance.`);
    };
    const ids = (docs: { _id: string }[]) => docs.map((doc) => doc._id);
    const checks: Promise<void>[] = [];
    if (tasks.length) checks.push(taken('Task', this.models.tasks.find({ _id: { $in: ids(tasks) }, instanceId: { $ne: instanceId } }).limit(1).lean<TaskDoc[]>().exec()));
    if (timers.length) checks.push(taken('Timer', this.models.timers.find({ _id: { $in: ids(timers) }, instanceId: { $ne: instanceId } }).limit(1).lean<TimerDoc[]>().exec()));
    if (subscriptions.length) {
      checks.push(taken('Subscription', this.models.subscriptions.find({ _id: { $in: ids(subscriptions) }, instanceId: { $ne: instanceId } }).limit(1).lean<SubscriptionDoc[]>().exec()));
    }
    if (outbox.length) checks.push(taken('Message', this.models.outbox.find({ _id: { $in: ids(outbox) } }).limit(1).lean<OutboxDoc[]>().exec()));
    await Promise.all(checks);
  }

  /** History events with seqs from the shared counter (monotonic across nodes). */
  private async historyDocs(write: InstanceWrite): Promise<HistoryDoc[]> {
    if (write.history.length === 0) return [];
    const last = await this.allocateSeqs(write.history.length);
    const first = last - write.history.length + 1;
    return write.history.map((event, i) => ({
      _id: first + i,
      instanceId: event.instanceId,
      at: event.at,
      type: event.type,
      elementId: event.elementId,
      actor: event.actor,
      dataJson: event.data === undefined ? null : toJson(event.data),
    }));
  }

  private async allocateSeqs(count: number): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        // A findOneAndUpdate whose filter is only the id: $inc is atomic everywhere, also on jongodb.
        const counter = await this.models.counters
          .findOneAndUpdate({ _id: 'history' }, { $inc: { seq: count } }, { upsert: true, returnDocument: 'after' })
          .lean<{ seq: number }>()
          .exec();
        return counter!.seq;
      } catch (error) {
        // Two first-ever allocations both tried to create the counter: the loser goes again.
        if (attempt >= 3 || (error as { code?: number }).code !== 11000) throw error;
      }
    }
  }

  /** Applies a journal right after its commit; if the database went away meanwhile, the
   * write is committed all the same and the journal is applied later by whoever comes next. */
  private async applyCommitted(id: string, journal: Journal, previous?: Previous): Promise<void> {
    try {
      await this.applyJournal(id, journal, previous);
    } catch (error) {
      if (!isUnavailable(error)) throw error;
    }
  }

  /**
   * Applies a committed journal to the derived collections; safe to run twice or
   * concurrently. `previous` (known to the journal's own writer) spares the look for timers
   * and subscriptions to remove; anyone else removes every older row of the instance.
   */
  private async applyJournal(instanceId: string, journal: Journal, previous?: Previous): Promise<void> {
    const { models } = this;
    const rev = journal.revision;
    if (journal.kind === 'write') {
      const newer = (doc: { _id: string }) => ({ _id: doc._id, instanceId, rev: { $lt: rev } });
      const upserts = <T extends { _id: string }>(docs: T[]) =>
        docs.map((doc) => {
          const { _id, ...row } = doc;
          return { updateOne: { filter: newer(doc), update: { $set: row }, upsert: true } };
        });
      const removed = (before: string[] | undefined, now: { _id: string }[]) => {
        if (before === undefined) return { instanceId, rev: { $lt: rev } };
        const kept = new Set(now.map((doc) => doc._id));
        const gone = before.filter((id) => !kept.has(id));
        return gone.length ? { _id: { $in: gone }, instanceId, rev: { $lt: rev } } : null;
      };
      await applyOperations(models.tasks, upserts(journal.tasks));
      await applyOperations(models.timers, upserts(journal.timers));
      const oldTimers = removed(previous?.timerIds, journal.timers);
      if (oldTimers) await models.timers.deleteMany(oldTimers).exec();
      await applyOperations(models.subscriptions, upserts(journal.subscriptions));
      const oldSubscriptions = removed(previous?.subscriptionIds, journal.subscriptions);
      if (oldSubscriptions) await models.subscriptions.deleteMany(oldSubscriptions).exec();
      await applyOperations(models.history, journal.history.map((doc) => ({ insertOne: { document: doc } })));
      await applyOperations(models.outbox, journal.outbox.map((doc) => ({ insertOne: { document: doc } })));
      if (journal.consumes) {
        const { id, at } = journal.consumes;
        await models.outbox
          .updateOne(
            { _id: id, state: 'pending' },
            { $set: { state: 'delivered', deliveredAt: at, deliveredTo: [instanceId], consumer: null }, $inc: { v: 1 } },
          )
          .exec();
      }
    } else {
      await this.purgeRows(instanceId);
    }
    await models.instances.updateOne({ _id: instanceId, revision: rev, dirty: true }, { $set: { dirty: false, journal: null } }).exec();
  }

  /** Retention of the derived rows: task inputs, history data, comment texts, message payloads. */
  private async purgeRows(instanceId: string): Promise<void> {
    const { models } = this;
    await models.tasks.updateMany({ instanceId }, { $set: { inputJson: '{}' } }).exec();
    await models.history.updateMany({ instanceId }, { $set: { dataJson: null } }).exec();
    await models.comments.updateMany({ instanceId }, { $set: { text: '' } }).exec();
    await models.outbox.updateMany({ sourceInstanceId: instanceId }, { $set: { variablesJson: '{}' } }).exec();
  }

  /**
   * The instance document, after applying its journal if a write left it unapplied; null for
   * an unknown instance. Reads of an instance's parts call this first, so they see its last
   * committed write (and nothing of an uncommitted one).
   */
  async ensureApplied(instanceId: string): Promise<InstanceDoc | null> {
    let pending = this.applying.get(instanceId);
    if (!pending) {
      pending = (async () => {
        try {
          const doc = await this.models.instances.findOne({ _id: instanceId }).lean<InstanceDoc>().exec();
          if (doc?.dirty && doc.journal) await this.applyJournal(doc._id, doc.journal);
          return doc;
        } finally {
          this.applying.delete(instanceId);
        }
      })();
      this.applying.set(instanceId, pending);
    }
    return pending;
  }

  /**
   * Applies the journals that nodes left unapplied (a node died right after a commit). Run by
   * the schedulers of all nodes through `timers.due` and `outbox.due`, at most once a second.
   */
  async sweep(): Promise<void> {
    if (Date.now() - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.sweeping ??= (async () => {
      try {
        const dirty = await this.db.run(() => this.models.instances.find({ dirty: true }).limit(SWEEP_BATCH).lean<InstanceDoc[]>().exec());
        for (const doc of dirty) {
          if (!doc.journal || Date.now() - doc.journal.at < SWEEP_GRACE_MS) continue;
          await this.db.run(() => this.applyJournal(doc._id, doc.journal!));
        }
        this.lastSweep = Date.now();
      } finally {
        this.sweeping = null;
      }
    })();
    await this.sweeping;
  }

  // ---------------------------------------------------------------- reads

  async get(id: string): Promise<InstanceRecord | null> {
    const doc = await this.db.run(() => this.models.instances.findOne({ _id: id }).lean<InstanceDoc>().exec());
    return doc ? toInstance(doc) : null;
  }

  async list(query: InstanceQuery): Promise<Page<InstanceRecord>> {
    const limit = pageLimit(query.limit);
    const filter: Record<string, unknown> = {};
    if (query.definitionKey !== undefined) filter.definitionKey = query.definitionKey;
    if (query.definitionVersion !== undefined) filter.definitionVersion = query.definitionVersion;
    if (query.status !== undefined) filter.status = query.status;
    if (query.businessKey !== undefined) filter.businessKey = query.businessKey;
    if (query.withIncidents) filter.incidentCount = { $gt: 0 };
    if (query.cursor !== undefined) {
      const [startedMs, id] = decodeCursor(query.cursor, ['number', 'string']);
      filter.$or = [{ startedMs: { $lt: startedMs } }, { startedMs, _id: { $lt: id } }];
    }
    const docs = await this.db.run(() =>
      this.models.instances.find(filter).sort({ startedMs: -1, _id: -1 }).limit(limit + 1).lean<InstanceDoc[]>().exec(),
    );
    return toPage(docs, limit, toInstance, (last) => [last.startedMs, last._id]);
  }

  async getTask(id: string): Promise<TaskRecord | null> {
    const doc = await this.db.run(() => this.models.tasks.findOne({ _id: id }).lean<TaskDoc>().exec());
    return doc ? toTask(doc) : null;
  }

  async listTasks(query: TaskQuery): Promise<Page<TaskRecord>> {
    const limit = pageLimit(query.limit);
    const filter: Record<string, unknown> = {};
    const and: Record<string, unknown>[] = [];
    if (query.state !== undefined) filter.state = query.state;
    if (query.instanceId !== undefined) filter.instanceId = query.instanceId;
    if (query.definitionKey !== undefined) filter.definitionKey = query.definitionKey;
    if (query.assignee !== undefined) filter.assignee = query.assignee;
    if (query.businessKey !== undefined) filter.businessKey = query.businessKey;
    // Tasks without dueAt sort after every time (NO_DUE_SORT): excluded.
    if (query.dueBefore !== undefined) filter.dueSort = { $lt: toMs(query.dueBefore, 'dueBefore') };
    if (query.visibleTo !== undefined) {
      const { userId, groups } = query.visibleTo;
      and.push({ $or: [{ candidateGroups: { $in: [...groups] } }, { candidateUsers: userId }, { assignee: userId }] });
    }
    if (query.cursor !== undefined) {
      const [dueSort, createdMs, id] = decodeCursor(query.cursor, ['number', 'number', 'string']);
      and.push({
        $or: [
          { dueSort: { $gt: dueSort } },
          { dueSort, createdMs: { $gt: createdMs } },
          { dueSort, createdMs, _id: { $gt: id } },
        ],
      });
    }
    if (and.length > 0) filter.$and = and;
    const docs = await this.db.run(() =>
      this.models.tasks.find(filter).sort({ dueSort: 1, createdMs: 1, _id: 1 }).limit(limit + 1).lean<TaskDoc[]>().exec(),
    );
    return toPage(docs, limit, toTask, (last) => [last.dueSort, last.createdMs, last._id]);
  }

  async tasksOfInstance(instanceId: string): Promise<TaskRecord[]> {
    return this.db.run(async () => {
      await this.ensureApplied(instanceId);
      const docs = await this.models.tasks.find({ instanceId }).sort({ dueSort: 1, createdMs: 1, _id: 1 }).lean<TaskDoc[]>().exec();
      return docs.map(toTask);
    });
  }

  async timersOfInstance(instanceId: string): Promise<TimerRecord[]> {
    return this.db.run(async () => {
      await this.ensureApplied(instanceId);
      const docs = await this.models.timers.find({ instanceId }).sort({ dueMs: 1, _id: 1 }).lean<TimerDoc[]>().exec();
      return docs.map(toTimer);
    });
  }

  async subscriptionsOfInstance(instanceId: string): Promise<SubscriptionRecord[]> {
    return this.db.run(async () => {
      await this.ensureApplied(instanceId);
      const docs = await this.models.subscriptions.find({ instanceId }).sort({ createdMs: 1, _id: 1 }).lean<SubscriptionDoc[]>().exec();
      return docs.map(toSubscription);
    });
  }

  async findSubscriptions(messageName: string, correlationKey: string | null): Promise<SubscriptionRecord[]> {
    const docs = await this.db.run(() =>
      this.models.subscriptions.find({ messageName, correlationKey }).sort({ createdMs: 1, _id: 1 }).lean<SubscriptionDoc[]>().exec(),
    );
    return docs.map(toSubscription);
  }

  async history(instanceId: string): Promise<StoredHistoryEvent[]> {
    return this.db.run(async () => {
      await this.ensureApplied(instanceId);
      const docs = await this.models.history.find({ instanceId }).sort({ _id: 1 }).lean<HistoryDoc[]>().exec();
      return docs.map(toHistoryEvent);
    });
  }

  async elementStatistics(definitionKey: string, definitionVersion: number): Promise<ElementStatistics[]> {
    return this.db.run(async () => {
      // The projection only saves transfer; the code reads the same fields without it.
      const running = await this.models.instances
        .find({ definitionKey, definitionVersion, status: { $in: ['active', 'incident'] } })
        .select({ _id: 1, incidentsJson: 1 })
        .lean<Pick<InstanceDoc, '_id' | 'incidentsJson'>[]>()
        .exec();
      if (running.length === 0) return [];
      const ids = running.map((doc) => doc._id);
      const [tasks, timers, subscriptions] = await Promise.all([
        this.models.tasks.find({ instanceId: { $in: ids }, state: 'open' }).lean<TaskDoc[]>().exec(),
        this.models.timers.find({ instanceId: { $in: ids } }).lean<TimerDoc[]>().exec(),
        this.models.subscriptions.find({ instanceId: { $in: ids } }).lean<SubscriptionDoc[]>().exec(),
      ]);
      // An instance counts once per element, even when it waits there twice (a task and its timer).
      const waiting = new Map<string, Set<string>>();
      for (const row of [...tasks, ...timers, ...subscriptions] as { elementId: string; instanceId: string | null }[]) {
        if (row.instanceId === null) continue;
        if (!waiting.has(row.elementId)) waiting.set(row.elementId, new Set());
        waiting.get(row.elementId)!.add(row.instanceId);
      }
      const incidents = new Map<string, number>();
      for (const doc of running) {
        for (const incident of fromJson<IncidentRecord[]>(doc.incidentsJson)) {
          if (incident?.elementId == null) continue;
          incidents.set(incident.elementId, (incidents.get(incident.elementId) ?? 0) + 1);
        }
      }
      const elements = [...new Set([...waiting.keys(), ...incidents.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return elements.map((elementId) => ({
        elementId,
        active: waiting.get(elementId)?.size ?? 0,
        incidents: incidents.get(elementId) ?? 0,
      }));
    });
  }

  async endedBefore(definitionKey: string, before: string, limit: number): Promise<InstanceRecord[]> {
    const beforeMs = toMs(before, 'before');
    const max = Math.max(0, Math.floor(limit));
    if (max === 0) return [];
    const docs = await this.db.run(() =>
      this.models.instances
        .find({ definitionKey, ended: true, purgedAt: null, endedMs: { $lt: beforeMs } })
        .sort({ endedMs: 1, _id: 1 })
        .limit(max)
        .lean<InstanceDoc[]>()
        .exec(),
    );
    return docs.map(toInstance);
  }

  async purgeCaseData(instanceId: string, at: string): Promise<void> {
    toMs(at, 'at');
    await this.db.run(async () => {
      for (let attempt = 1; attempt <= COMMIT_ATTEMPTS * 4; attempt++) {
        const doc = await this.models.instances.findOne({ _id: instanceId }).lean<InstanceDoc>().exec();
        if (!doc) throw new NotFoundError('instance_not_found', `Instance ${instanceId} does not exist.`);
        if (doc.dirty && doc.journal) {
          await this.applyJournal(doc._id, doc.journal);
          continue;
        }
        if (doc.status !== 'completed' && doc.status !== 'cancelled') {
          throw new ConflictError(
            'instance_not_ended',
            `Instance ${instanceId} has not ended (status ${doc.status}); its case data is still in use.`,
          );
        }
        if (doc.purgedAt !== null) {
          // Purged before: keep the first purge time and revision; the rows stay purged.
          await this.purgeRows(instanceId);
          return;
        }
        const revision = doc.revision + 1;
        const journal: Journal = { kind: 'purge', revision, at: Date.now() };
        // Incidents keep where and when, but not the message (it may quote case data) nor the
        // command to repeat (it holds submitted form data).
        const incidents = fromJson<IncidentRecord[]>(doc.incidentsJson).map((incident) => ({
          id: incident.id,
          elementId: incident.elementId,
          message: '',
          at: incident.at,
        }));
        const result = await this.models.instances
          .updateOne(
            { _id: instanceId, revision: doc.revision, dirty: false },
            {
              $set: {
                variablesJson: '{}',
                engineStateJson: 'null',
                incidentsJson: toJson(incidents),
                revision,
                purgedAt: at,
                dirty: true,
                journal,
              },
            },
          )
          .exec();
        if (result.matchedCount > 0) {
          await this.applyCommitted(instanceId, journal);
          return;
        }
      }
      throw new UnavailableError('instance_contended', `Instance ${instanceId} changed too often to purge it now.`);
    });
  }
}

// ---------------------------------------------------------------- conversions

type InstanceFields = Omit<InstanceDoc, '_id' | 'purgedAt' | 'dirty' | 'journal'>;

/** The fields a write sets (save leaves purgedAt as it is). */
function instanceFields(write: InstanceWrite): InstanceFields {
  const instance = write.instance;
  return {
    definitionKey: instance.definitionKey,
    definitionVersion: instance.definitionVersion,
    businessKey: instance.businessKey,
    status: instance.status,
    variablesJson: toJson(instance.variables),
    engineStateJson: toJson(instance.engineState),
    incidentsJson: toJson(instance.incidents),
    incidentCount: instance.incidents.length,
    revision: instance.revision,
    startedAt: instance.startedAt,
    startedMs: toMs(instance.startedAt, 'startedAt'),
    startedBy: instance.startedBy,
    endedAt: instance.endedAt,
    endedMs: toMsOrNull(instance.endedAt, 'endedAt'),
    ended: instance.status === 'completed' || instance.status === 'cancelled',
    updatedAt: instance.updatedAt,
    timerIds: write.timers.map((timer) => timer.id),
    subscriptionIds: write.subscriptions.map((subscription) => subscription.id),
  };
}

function toInstance(doc: InstanceDoc): InstanceRecord {
  const instance: InstanceRecord = {
    id: doc._id,
    definitionKey: doc.definitionKey,
    definitionVersion: doc.definitionVersion,
    businessKey: doc.businessKey,
    status: doc.status as InstanceStatus,
    variables: fromJson<Variables>(doc.variablesJson),
    engineState: fromJson<Json | null>(doc.engineStateJson),
    incidents: fromJson<IncidentRecord[]>(doc.incidentsJson),
    revision: doc.revision,
    startedAt: doc.startedAt,
    startedBy: doc.startedBy,
    endedAt: doc.endedAt,
    updatedAt: doc.updatedAt,
  };
  if (doc.purgedAt !== null && doc.purgedAt !== undefined) instance.purgedAt = doc.purgedAt;
  return instance;
}

function toTaskDoc(task: TaskRecord, rev: number): TaskDoc {
  const dueMs = toMsOrNull(task.dueAt, 'dueAt');
  return {
    _id: task.id,
    executionId: task.executionId,
    instanceId: task.instanceId,
    definitionKey: task.definitionKey,
    definitionVersion: task.definitionVersion,
    businessKey: task.businessKey,
    elementId: task.elementId,
    name: task.name,
    state: task.state,
    assignee: task.assignee,
    candidateGroups: [...task.candidateGroups],
    candidateUsers: [...task.candidateUsers],
    formId: task.formId,
    formVersion: task.formVersion,
    dueAt: task.dueAt,
    dueSort: dueMs ?? NO_DUE_SORT,
    followUpAt: task.followUpAt,
    createdAt: task.createdAt,
    createdMs: toMs(task.createdAt, 'createdAt'),
    completedAt: task.completedAt,
    completedBy: task.completedBy,
    inputJson: toJson(task.input),
    rev,
  };
}

function toTask(doc: TaskDoc): TaskRecord {
  return {
    id: doc._id,
    executionId: doc.executionId,
    instanceId: doc.instanceId,
    definitionKey: doc.definitionKey,
    definitionVersion: doc.definitionVersion,
    businessKey: doc.businessKey,
    elementId: doc.elementId,
    name: doc.name,
    state: doc.state as TaskState,
    assignee: doc.assignee,
    candidateGroups: [...doc.candidateGroups],
    candidateUsers: [...doc.candidateUsers],
    formId: doc.formId,
    formVersion: doc.formVersion,
    dueAt: doc.dueAt,
    followUpAt: doc.followUpAt,
    createdAt: doc.createdAt,
    completedAt: doc.completedAt,
    completedBy: doc.completedBy,
    input: fromJson<Variables>(doc.inputJson),
  };
}

function toSubscriptionDoc(subscription: SubscriptionRecord, rev: number): SubscriptionDoc {
  return {
    _id: subscription.id,
    instanceId: subscription.instanceId,
    definitionKey: subscription.definitionKey,
    elementId: subscription.elementId,
    messageName: subscription.messageName,
    correlationKey: subscription.correlationKey,
    refJson: toJson(subscription.ref),
    createdAt: subscription.createdAt,
    createdMs: toMs(subscription.createdAt, 'createdAt'),
    rev,
  };
}

function toSubscription(doc: SubscriptionDoc): SubscriptionRecord {
  return {
    id: doc._id,
    instanceId: doc.instanceId,
    definitionKey: doc.definitionKey,
    elementId: doc.elementId,
    messageName: doc.messageName,
    correlationKey: doc.correlationKey,
    ref: fromJson<Json>(doc.refJson),
    createdAt: doc.createdAt,
  };
}

function toHistoryEvent(doc: HistoryDoc): StoredHistoryEvent {
  const event: StoredHistoryEvent = {
    seq: doc._id,
    instanceId: doc.instanceId,
    at: doc.at,
    type: doc.type,
    elementId: doc.elementId,
    actor: doc.actor,
  };
  if (doc.dataJson !== null && doc.dataJson !== undefined) event.data = fromJson<Record<string, unknown>>(doc.dataJson);
  return event;
}

/** A message as an export holds it: with its delivery state (restore only). */
function toRestoredOutboxDoc(message: OutboxRecord): OutboxDoc {
  return {
    ...toOutboxDoc(message),
    state: message.state ?? 'pending',
    deliveredAt: message.deliveredAt ?? null,
    deliveredTo: [...(message.deliveredTo ?? [])],
  };
}

function toPage<Doc, T>(docs: Doc[], limit: number, map: (doc: Doc) => T, key: (doc: Doc) => (string | number)[]): Page<T> {
  const more = docs.length > limit;
  const page = more ? docs.slice(0, limit) : docs;
  return {
    items: page.map(map),
    nextCursor: more ? encodeCursor(key(page[page.length - 1])) : null,
  };
}
