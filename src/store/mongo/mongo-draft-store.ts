import type { DraftRecord, DraftStore, Json } from '../port.js';
import { fromJson, toJson, type MongoDatabase } from './mongo-database.js';
import type { DraftDoc } from './schemas.js';

export class MongoDraftStore implements DraftStore {
  constructor(private readonly db: MongoDatabase) {}

  private get drafts() {
    return this.db.models.drafts;
  }

  async put(draft: DraftRecord): Promise<void> {
    const doc: Omit<DraftDoc, '_id'> = {
      xml: draft.xml,
      formsJson: toJson(draft.forms),
      savedAt: draft.savedAt,
      savedBy: draft.savedBy,
      problemsJson: toJson(draft.problems),
    };
    await this.db.run(() => this.drafts.replaceOne({ _id: draft.key }, doc, { upsert: true }).exec());
  }

  async get(key: string): Promise<DraftRecord | null> {
    const doc = await this.db.run(() => this.drafts.findOne({ _id: key }).lean<DraftDoc>().exec());
    return doc ? toDraft(doc) : null;
  }

  async list(): Promise<DraftRecord[]> {
    const docs = await this.db.run(() => this.drafts.find({}).sort({ _id: 1 }).lean<DraftDoc[]>().exec());
    return docs.map(toDraft);
  }

  async delete(key: string): Promise<boolean> {
    const result = await this.db.run(() => this.drafts.deleteOne({ _id: key }).exec());
    return result.deletedCount > 0;
  }
}

function toDraft(doc: DraftDoc): DraftRecord {
  return {
    key: doc._id,
    xml: doc.xml,
    forms: fromJson<Record<string, unknown>>(doc.formsJson),
    savedAt: doc.savedAt,
    savedBy: doc.savedBy,
    problems: fromJson<Json[]>(doc.problemsJson),
  };
}
