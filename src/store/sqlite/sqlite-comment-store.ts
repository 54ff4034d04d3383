import { decodeCursor, encodeCursor, pageLimit } from '../paging.js';
import type { CommentRecord, CommentStore, Page } from '../port.js';
import { fromJson, toJson, toMs, type SqliteDatabase } from './sqlite-database.js';

interface CommentRow {
  id: string;
  instance_id: string;
  task_id: string | null;
  text: string;
  author: string;
  organisation: string | null;
  at: string;
  visible_to: string;
}

export class SqliteCommentStore implements CommentStore {
  private readonly insertComment;
  private readonly selectComments;
  private readonly selectAll;
  private readonly selectAfter;

  constructor(private readonly sqlite: SqliteDatabase) {
    this.insertComment = sqlite.statement(
      `INSERT INTO comments (id, instance_id, task_id, text, author, organisation, at, at_ms, visible_to)
       VALUES (@id, @instanceId, @taskId, @text, @author, @organisation, @at, @atMs, @visibleTo)`,
    );
    this.selectComments = sqlite.statement<CommentRow>(
      `SELECT * FROM comments WHERE instance_id = ? ORDER BY at_ms, id`,
    );
    this.selectAll = sqlite.statement<CommentRow>(`SELECT * FROM comments ORDER BY id LIMIT ?`);
    this.selectAfter = sqlite.statement<CommentRow>(`SELECT * FROM comments WHERE id > ? ORDER BY id LIMIT ?`);
  }

  async add(comment: CommentRecord): Promise<void> {
    const params = {
      id: comment.id,
      instanceId: comment.instanceId,
      taskId: comment.taskId,
      text: comment.text,
      author: comment.author,
      organisation: comment.organisation,
      at: comment.at,
      atMs: toMs(comment.at, 'at'),
      visibleTo: toJson(comment.visibleTo),
    };
    this.sqlite.run(() => this.insertComment.run(params));
  }

  async list(instanceId: string): Promise<CommentRecord[]> {
    return this.sqlite.run(() => this.selectComments.all(instanceId)).map(toComment);
  }

  async listAll(query: { limit?: number; cursor?: string }): Promise<Page<CommentRecord>> {
    const limit = pageLimit(query.limit);
    const after = query.cursor === undefined ? null : (decodeCursor(query.cursor, ['string'])[0] as string);
    const rows = this.sqlite.run(() => (after === null ? this.selectAll.all(limit + 1) : this.selectAfter.all(after, limit + 1)));
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    return { items: page.map(toComment), nextCursor: more ? encodeCursor([page[page.length - 1].id]) : null };
  }
}

function toComment(row: CommentRow): CommentRecord {
  return {
    id: row.id,
    instanceId: row.instance_id,
    taskId: row.task_id,
    text: row.text,
    author: row.author,
    organisation: row.organisation,
    at: row.at,
    visibleTo: fromJson<string[] | null>(row.visible_to),
  };
}
