import type { DraftRecord, DraftStore, Json } from '../port.js';
import { fromJson, toJson, type SqliteDatabase } from './sqlite-database.js';

interface DraftRow {
  key: string;
  xml: string;
  forms: string;
  saved_at: string;
  saved_by: string;
  problems: string;
}

export class SqliteDraftStore implements DraftStore {
  private readonly upsertDraft;
  private readonly selectDraft;
  private readonly selectDrafts;
  private readonly removeDraft;

  constructor(private readonly sqlite: SqliteDatabase) {
    this.upsertDraft = sqlite.statement(
      `INSERT INTO drafts (key, xml, forms, saved_at, saved_by, problems)
       VALUES (@key, @xml, @forms, @savedAt, @savedBy, @problems)
       ON CONFLICT (key) DO UPDATE SET
         xml = excluded.xml, forms = excluded.forms, saved_at = excluded.saved_at,
         saved_by = excluded.saved_by, problems = excluded.problems`,
    );
    this.selectDraft = sqlite.statement<DraftRow>(`SELECT * FROM drafts WHERE key = ?`);
    this.selectDrafts = sqlite.statement<DraftRow>(`SELECT * FROM drafts ORDER BY key`);
    this.removeDraft = sqlite.statement(`DELETE FROM drafts WHERE key = ?`);
  }

  async put(draft: DraftRecord): Promise<void> {
    const params = {
      key: draft.key,
      xml: draft.xml,
      forms: toJson(draft.forms),
      savedAt: draft.savedAt,
      savedBy: draft.savedBy,
      problems: toJson(draft.problems),
    };
    this.sqlite.run(() => this.upsertDraft.run(params));
  }

  async get(key: string): Promise<DraftRecord | null> {
    const row = this.sqlite.run(() => this.selectDraft.get(key));
    return row ? toDraft(row) : null;
  }

  async list(): Promise<DraftRecord[]> {
    return this.sqlite.run(() => this.selectDrafts.all()).map(toDraft);
  }

  async delete(key: string): Promise<boolean> {
    return this.sqlite.run(() => this.removeDraft.run(key)).changes > 0;
  }
}

function toDraft(row: DraftRow): DraftRecord {
  return {
    key: row.key,
    xml: row.xml,
    forms: fromJson<Record<string, unknown>>(row.forms),
    savedAt: row.saved_at,
    savedBy: row.saved_by,
    problems: fromJson<Json[]>(row.problems),
  };
}
