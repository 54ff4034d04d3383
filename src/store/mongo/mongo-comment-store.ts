import { decodeCursor, encodeCursor, pageLimit } from '../paging.js';
import type { CommentRecord, CommentStore, Page } from '../port.js';
import { toMs, type MongoDatabase } from './mongo-database.js';
import type { CommentDoc } from './schemas.js';

export class MongoCommentStore implements CommentStore {
  constructor(private readonly db: MongoDatabase) {}

  private get comments() {
    return this.db.models.comments;
  }

  async add(comment: CommentRecord): Promise<void> {
    const doc: CommentDoc = {
      _id: comment.id,
      instanceId: comment.instanceId,
      taskId: comment.taskId,
      text: comment.text,
      author: comment.author,
      organisation: comment.organisation,
      at: comment.at,
      atMs: toMs(comment.at, 'at'),
      visibleTo: comment.visibleTo === null ? null : [...comment.visibleTo],
    };
    await this.db.run(() => this.comments.insertMany([doc], { lean: true }));
  }

  async list(instanceId: string): Promise<CommentRecord[]> {
    const docs = await this.db.run(() => this.comments.find({ instanceId }).sort({ atMs: 1, _id: 1 }).lean<CommentDoc[]>().exec());
    return docs.map(toComment);
  }

  async listAll(query: { limit?: number; cursor?: string }): Promise<Page<CommentRecord>> {
    const limit = pageLimit(query.limit);
    const filter = query.cursor === undefined ? {} : { _id: { $gt: decodeCursor(query.cursor, ['string'])[0] as string } };
    const docs = await this.db.run(() => this.comments.find(filter).sort({ _id: 1 }).limit(limit + 1).lean<CommentDoc[]>().exec());
    const more = docs.length > limit;
    const page = more ? docs.slice(0, limit) : docs;
    return { items: page.map(toComment), nextCursor: more ? encodeCursor([page[page.length - 1]._id]) : null };
  }
}

function toComment(doc: CommentDoc): CommentRecord {
  return {
    id: doc._id,
    instanceId: doc.instanceId,
    taskId: doc.taskId,
    text: doc.text,
    author: doc.author,
    organisation: doc.organisation,
    at: doc.at,
    visibleTo: doc.visibleTo === null || doc.visibleTo === undefined ? null : [...doc.visibleTo],
  };
}
