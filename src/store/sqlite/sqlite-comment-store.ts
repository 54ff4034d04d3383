import type { CommentRecord, CommentStore } from '../port.js';
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

  constructor(private readonly sqlite: SqliteDatabase) {
    this.insertComment = sqlite.statement(
      `INSERT INTO comments (id, instance_id, task_id, text, author, organisation, at, at_ms, visible_to)
       VALUES (@id, @instanceId, @taskId, @text, @author, @organisation, @at, @atMs, @visibleTo)`,
    );
    this.selectComments = sqlite.statement<CommentRow>(
      `SELECT * FROM comments WHERE instance_id = ? ORDER BY at_ms, id`,
    );
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
