import type {
  DefinitionStore,
  DefinitionSummary,
  DefinitionVersionRecord,
  FormVersionRecord,
} from '../port.js';
import { fromJson, toJson, type MongoDatabase } from './mongo-database.js';
import type { DefinitionDoc, FormDoc } from './schemas.js';

/** Definition versions and form versions; each version is one insert-only document. */
export class MongoDefinitionStore implements DefinitionStore {
  constructor(private readonly db: MongoDatabase) {}

  private get definitions() {
    return this.db.models.definitions;
  }

  private get forms() {
    return this.db.models.forms;
  }

  async addVersion(record: DefinitionVersionRecord): Promise<void> {
    const doc: DefinitionDoc = {
      _id: JSON.stringify([record.key, record.version]),
      key: record.key,
      version: record.version,
      name: record.name,
      checksum: record.checksum,
      xml: record.xml,
      deployedAt: record.deployedAt,
      deployedBy: record.deployedBy,
      formsJson: toJson(record.forms),
      settingsJson: toJson(record.settings),
    };
    await this.db.run(() => this.definitions.insertMany([doc], { lean: true }));
  }

  async getVersion(key: string, version: number): Promise<DefinitionVersionRecord | null> {
    const doc = await this.db.run(() => this.definitions.findOne({ key, version }).lean<DefinitionDoc>().exec());
    return doc ? toDefinition(doc) : null;
  }

  async getLatest(key: string): Promise<DefinitionVersionRecord | null> {
    const [doc] = await this.db.run(() => this.definitions.find({ key }).sort({ version: -1 }).limit(1).lean<DefinitionDoc[]>().exec());
    return doc ? toDefinition(doc) : null;
  }

  async listVersions(key: string): Promise<DefinitionVersionRecord[]> {
    const docs = await this.db.run(() => this.definitions.find({ key }).sort({ version: 1 }).lean<DefinitionDoc[]>().exec());
    return docs.map(toDefinition);
  }

  async listLatest(): Promise<DefinitionSummary[]> {
    const groups = await this.db.run(() =>
      this.definitions
        .aggregate<{ _id: string; name: string; version: number }>([
          { $sort: { key: 1, version: -1 } },
          { $group: { _id: '$key', name: { $first: '$name' }, version: { $first: '$version' } } },
          { $sort: { _id: 1 } },
        ])
        .exec(),
    );
    return groups.map((group) => ({ key: group._id, name: group.name, latestVersion: group.version }));
  }

  async latestVersions(): Promise<DefinitionVersionRecord[]> {
    return (await this.latestDocs()).map(toDefinition);
  }

  /** The highest version of every key, sorted by key (the {key, version} index feeds it). */
  private async latestDocs(): Promise<DefinitionDoc[]> {
    const groups = await this.db.run(() =>
      this.definitions
        .aggregate<{ _id: string; doc: DefinitionDoc }>([
          { $sort: { key: 1, version: -1 } },
          { $group: { _id: '$key', doc: { $first: '$$ROOT' } } },
          { $sort: { _id: 1 } },
        ])
        .exec(),
    );
    return groups.map((group) => group.doc);
  }

  async addFormVersion(record: FormVersionRecord): Promise<void> {
    const doc: FormDoc = {
      _id: JSON.stringify([record.formId, record.version]),
      formId: record.formId,
      version: record.version,
      checksum: record.checksum,
      schemaJson: toJson(record.schema),
      deployedAt: record.deployedAt,
      deployedBy: record.deployedBy,
    };
    await this.db.run(() => this.forms.insertMany([doc], { lean: true }));
  }

  async getFormVersion(formId: string, version: number): Promise<FormVersionRecord | null> {
    const doc = await this.db.run(() => this.forms.findOne({ formId, version }).lean<FormDoc>().exec());
    return doc ? toForm(doc) : null;
  }

  async listForms(): Promise<FormVersionRecord[]> {
    const docs = await this.db.run(() => this.forms.find({}).sort({ formId: 1, version: 1 }).lean<FormDoc[]>().exec());
    return docs.map(toForm);
  }

  async getLatestForm(formId: string): Promise<FormVersionRecord | null> {
    const [doc] = await this.db.run(() => this.forms.find({ formId }).sort({ version: -1 }).limit(1).lean<FormDoc[]>().exec());
    return doc ? toForm(doc) : null;
  }
}

function toDefinition(doc: DefinitionDoc): DefinitionVersionRecord {
  return {
    key: doc.key,
    name: doc.name,
    version: doc.version,
    checksum: doc.checksum,
    xml: doc.xml,
    deployedAt: doc.deployedAt,
    deployedBy: doc.deployedBy,
    forms: fromJson(doc.formsJson),
    settings: fromJson(doc.settingsJson),
  };
}

function toForm(doc: FormDoc): FormVersionRecord {
  return {
    formId: doc.formId,
    version: doc.version,
    checksum: doc.checksum,
    schema: fromJson(doc.schemaJson),
    deployedAt: doc.deployedAt,
    deployedBy: doc.deployedBy,
  };
}
