import { randomUUID } from 'node:crypto';
import { ConflictError, UnavailableError } from '../../errors.js';
import { decodeCursor, encodeCursor, pageLimit } from '../paging.js';
import type { OutboxQuery, OutboxRecord, OutboxState, OutboxStore, Page, Variables } from '../port.js';
import { fromJson, toJson, toMs, toMsOrNull, type MongoDatabase } from './mongo-database.js';
import type { InstanceDoc, OutboxDoc } from './schemas.js';

/** How often a read-modify-write that raced another is tried again. */
const UPDATE_ATTEMPTS = 20;

/**
 * A reservation older than this is taken to belong to a write that died between reserving
 * and committing (writes take milliseconds; a writer gives up its reservation when it is
 * older than half of this before it commits, see MongoInstanceStore).
 */
export const RESERVATION_TTL_MS = 120_000;

export interface Reservation {
  id: string;
  instanceId: string;
  revision: number;
  token: string;
  atMs: number;
}

/**
 * Messages instances threw (hand-overs). Inserted by the sender's write; taken exactly once
 * by a receiver's write in two steps (see reserve() and MongoInstanceStore): the receiver
 * reserves the pending message, commits its instance document, and its journal marks the
 * message delivered.
 */
export class MongoOutboxStore implements OutboxStore {
  constructor(
    private readonly db: MongoDatabase,
    private readonly sweep: () => Promise<void>,
    /** Applies the committed journal of an instance now (see MongoInstanceStore.ensureApplied). */
    private readonly ensureApplied: (instanceId: string) => Promise<InstanceDoc | null>,
  ) {}

  private get messages() {
    return this.db.models.outbox;
  }

  async due(now: string, limit: number): Promise<OutboxRecord[]> {
    const nowMs = toMs(now, 'now');
    const max = Math.max(0, Math.floor(limit));
    await this.sweep();
    if (max === 0) return [];
    const docs = await this.db.run(() =>
      this.messages
        .find({ state: 'pending', dueMs: { $lte: nowMs }, $or: freeLease(nowMs) })
        .sort({ dueMs: 1, _id: 1 })
        .limit(max)
        .lean<OutboxDoc[]>()
        .exec(),
    );
    return docs.map(toOutbox);
  }

  async claim(id: string, owner: string, now: string, leaseUntil: string): Promise<OutboxRecord | null> {
    const nowMs = toMs(now, 'now');
    const leaseUntilMs = toMs(leaseUntil, 'leaseUntil');
    // A conditional updateOne (atomic on every server), then the record as claimed.
    return this.db.run(async () => {
      const result = await this.messages
        .updateOne(
          { _id: id, state: 'pending', $or: [...freeLease(nowMs), { leaseOwner: owner }] },
          { $set: { leaseOwner: owner, leaseUntil, leaseUntilMs }, $inc: { v: 1 } },
        )
        .exec();
      if (result.matchedCount === 0) return null;
      const doc = await this.messages.findOne({ _id: id }).lean<OutboxDoc>().exec();
      return doc && doc.leaseOwner === owner ? toOutbox(doc) : null;
    });
  }

  /**
   * Marks the message delivered (keeping the delivery time of a consuming write), adds the
   * targets and frees the lease. Recording a delivery is idempotent, so the lease is not
   * checked: the consuming write already decided who delivered it.
   */
  async markDelivered(id: string, _owner: string, at: string, targets: string[]): Promise<void> {
    toMs(at, 'at');
    await this.db.run(async () => {
      for (let attempt = 1; attempt <= UPDATE_ATTEMPTS; attempt++) {
        const doc = await this.messages.findOne({ _id: id }).lean<OutboxDoc>().exec();
        if (!doc) return;
        const deliveredTo = [...new Set([...doc.deliveredTo, ...targets])];
        const result = await this.messages
          .updateOne(
            { _id: id, v: doc.v },
            {
              $set: {
                state: 'delivered',
                deliveredAt: doc.deliveredAt ?? at,
                deliveredTo,
                leaseOwner: null,
                leaseUntil: null,
                leaseUntilMs: null,
                consumer: null,
              },
              $inc: { v: 1 },
            },
          )
          .exec();
        if (result.matchedCount > 0) return;
      }
      throw new UnavailableError('outbox_contended', `Message ${id} changed too often to record its delivery.`);
    });
  }

  /** Only for the lease holder of a pending message; otherwise nothing changes. */
  async retryLater(id: string, owner: string, dueAt: string, error: string): Promise<void> {
    const dueMs = toMs(dueAt, 'dueAt');
    await this.db.run(() =>
      this.messages
        .updateOne(
          { _id: id, state: 'pending', leaseOwner: owner },
          {
            $set: { lastError: error, dueAt, dueMs, leaseOwner: null, leaseUntil: null, leaseUntilMs: null },
            $inc: { attempts: 1, v: 1 },
          },
        )
        .exec(),
    );
  }

  async get(id: string): Promise<OutboxRecord | null> {
    const doc = await this.db.run(() => this.messages.findOne({ _id: id }).lean<OutboxDoc>().exec());
    return doc ? toOutbox(doc) : null;
  }

  async list(query: OutboxQuery): Promise<Page<OutboxRecord>> {
    const limit = pageLimit(query.limit);
    const filter: Record<string, unknown> = {};
    if (query.state !== undefined) filter.state = query.state;
    if (query.sourceInstanceId !== undefined) filter.sourceInstanceId = query.sourceInstanceId;
    if (query.messageName !== undefined) filter.messageName = query.messageName;
    if (query.cursor !== undefined) {
      const [createdMs, id] = decodeCursor(query.cursor, ['number', 'string']);
      filter.$or = [{ createdMs: { $lt: createdMs } }, { createdMs, _id: { $lt: id } }];
    }
    const docs = await this.db.run(() =>
      this.messages.find(filter).sort({ createdMs: -1, _id: -1 }).limit(limit + 1).lean<OutboxDoc[]>().exec(),
    );
    const more = docs.length > limit;
    const page = more ? docs.slice(0, limit) : docs;
    const last = page[page.length - 1];
    return { items: page.map(toOutbox), nextCursor: more ? encodeCursor([last.createdMs, last._id]) : null };
  }

  // ---------------------------------------------------------------- consuming writes

  /**
   * Reserves a pending message for a write of `instanceId` at `revision`, before that write
   * commits. Throws ConflictError when the message is unknown, delivered, or reserved by
   * another write that may still commit. A reservation is taken over when its write can no
   * longer commit it: its instance moved past that revision without consuming the message,
   * or it is older than RESERVATION_TTL_MS.
   */
  async reserve(id: string, instanceId: string, revision: number): Promise<Reservation> {
    const token = randomUUID();
    for (let attempt = 1; attempt <= UPDATE_ATTEMPTS; attempt++) {
      const doc = await this.messages.findOne({ _id: id }).lean<OutboxDoc>().exec();
      if (!doc || doc.state !== 'pending') throw consumed(id);
      if (doc.consumer !== null && doc.consumer !== undefined && !(await this.isStale(doc.consumer))) {
        throw new ConflictError('outbox_reserved', `Message ${id} is being taken by another write.`);
      }
      const atMs = Date.now();
      const consumer = { instanceId, revision, token, atMs };
      const result = await this.messages
        .updateOne({ _id: id, v: doc.v, state: 'pending' }, { $set: { consumer }, $inc: { v: 1 } })
        .exec();
      if (result.matchedCount > 0) return { id, ...consumer };
    }
    throw new ConflictError('outbox_reserved', `Message ${id} is being taken by other writes.`);
  }

  /** Gives a reservation back after its write did not commit. */
  async unreserve(reservation: Reservation): Promise<void> {
    await this.messages
      .updateOne(
        { _id: reservation.id, state: 'pending', 'consumer.token': reservation.token },
        { $set: { consumer: null }, $inc: { v: 1 } },
      )
      .exec();
  }

  private async isStale(consumer: NonNullable<OutboxDoc['consumer']>): Promise<boolean> {
    if (Date.now() - consumer.atMs > RESERVATION_TTL_MS) return true;
    // Applying the instance's committed journal delivers the message if that write took it.
    const instance = await this.ensureApplied(consumer.instanceId);
    return instance !== null && instance.revision >= consumer.revision;
  }
}

function consumed(id: string): ConflictError {
  return new ConflictError('outbox_consumed', `Message ${id} is no longer pending (delivered already, or unknown).`);
}

function freeLease(nowMs: number): Record<string, unknown>[] {
  return [{ leaseOwner: null }, { leaseUntilMs: null }, { leaseUntilMs: { $lte: nowMs } }];
}

/** The document of a message a write throws: always pending. */
export function toOutboxDoc(message: OutboxRecord): OutboxDoc {
  return {
    _id: message.id,
    sourceInstanceId: message.sourceInstanceId,
    sourceElementId: message.sourceElementId,
    messageName: message.messageName,
    correlationKey: message.correlationKey,
    variablesJson: toJson(message.variables),
    createdAt: message.createdAt,
    createdMs: toMs(message.createdAt, 'createdAt'),
    dueAt: message.dueAt,
    dueMs: toMs(message.dueAt, 'dueAt'),
    attempts: message.attempts,
    lastError: message.lastError,
    leaseOwner: message.leaseOwner,
    leaseUntil: message.leaseUntil,
    leaseUntilMs: toMsOrNull(message.leaseUntil, 'leaseUntil'),
    state: 'pending',
    deliveredAt: null,
    deliveredTo: [],
    consumer: null,
    v: 0,
  };
}

export function toOutbox(doc: OutboxDoc): OutboxRecord {
  return {
    id: doc._id,
    sourceInstanceId: doc.sourceInstanceId,
    sourceElementId: doc.sourceElementId,
    messageName: doc.messageName,
    correlationKey: doc.correlationKey,
    variables: fromJson<Variables>(doc.variablesJson),
    createdAt: doc.createdAt,
    dueAt: doc.dueAt,
    attempts: doc.attempts,
    lastError: doc.lastError,
    leaseOwner: doc.leaseOwner,
    leaseUntil: doc.leaseUntil,
    state: doc.state as OutboxState,
    deliveredAt: doc.deliveredAt,
    deliveredTo: [...doc.deliveredTo],
  };
}
