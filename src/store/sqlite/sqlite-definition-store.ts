import type {
  DefinitionStore,
  DefinitionSummary,
  DefinitionVersionRecord,
  FormVersionRecord,
} from '../port.js';
import { fromJson, toJson, type SqliteDatabase } from './sqlite-database.js';

interface DefinitionRow {
  key: string;
  version: number;
  name: string;
  checksum: string;
  xml: string;
  deployed_at: string;
  deployed_by: string;
  forms: string;
  settings: string;
}

interface FormRow {
  form_id: string;
  version: number;
  checksum: string;
  schema: string;
  deployed_at: string;
  deployed_by: string;
}

const LATEST_OF_KEY = `version = (SELECT max(version) FROM definition_versions AS v WHERE v.key = d.key)`;

export class SqliteDefinitionStore implements DefinitionStore {
  private readonly insertVersion;
  private readonly selectVersion;
  private readonly selectLatest;
  private readonly selectVersions;
  private readonly selectLatestSummaries;
  private readonly selectLatestVersions;
  private readonly insertForm;
  private readonly selectForm;
  private readonly selectLatestForm;
  private readonly selectForms;

  constructor(private readonly sqlite: SqliteDatabase) {
    this.insertVersion = sqlite.statement(
      `INSERT INTO definition_versions (key, version, name, checksum, xml, deployed_at, deployed_by, forms, settings)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.selectVersion = sqlite.statement<DefinitionRow>(
      `SELECT * FROM definition_versions WHERE key = ? AND version = ?`,
    );
    this.selectLatest = sqlite.statement<DefinitionRow>(
      `SELECT * FROM definition_versions WHERE key = ? ORDER BY version DESC LIMIT 1`,
    );
    this.selectVersions = sqlite.statement<DefinitionRow>(
      `SELECT * FROM definition_versions WHERE key = ? ORDER BY version`,
    );
    this.selectLatestSummaries = sqlite.statement<{ key: string; name: string; version: number }>(
      `SELECT key, name, version FROM definition_versions AS d WHERE ${LATEST_OF_KEY} ORDER BY key`,
    );
    this.selectLatestVersions = sqlite.statement<DefinitionRow>(
      `SELECT * FROM definition_versions AS d WHERE ${LATEST_OF_KEY} ORDER BY key`,
    );
    this.insertForm = sqlite.statement(
      `INSERT INTO form_versions (form_id, version, checksum, schema, deployed_at, deployed_by)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.selectForm = sqlite.statement<FormRow>(`SELECT * FROM form_versions WHERE form_id = ? AND version = ?`);
    this.selectLatestForm = sqlite.statement<FormRow>(
      `SELECT * FROM form_versions WHERE form_id = ? ORDER BY version DESC LIMIT 1`,
    );
    this.selectForms = sqlite.statement<FormRow>(`SELECT * FROM form_versions ORDER BY form_id, version`);
  }

  async addVersion(record: DefinitionVersionRecord): Promise<void> {
    this.sqlite.run(() =>
      this.insertVersion.run(
        record.key,
        record.version,
        record.name,
        record.checksum,
        record.xml,
        record.deployedAt,
        record.deployedBy,
        toJson(record.forms),
        toJson(record.settings),
      ),
    );
  }

  async getVersion(key: string, version: number): Promise<DefinitionVersionRecord | null> {
    const row = this.sqlite.run(() => this.selectVersion.get(key, version));
    return row ? toDefinition(row) : null;
  }

  async getLatest(key: string): Promise<DefinitionVersionRecord | null> {
    const row = this.sqlite.run(() => this.selectLatest.get(key));
    return row ? toDefinition(row) : null;
  }

  async listVersions(key: string): Promise<DefinitionVersionRecord[]> {
    return this.sqlite.run(() => this.selectVersions.all(key)).map(toDefinition);
  }

  async listLatest(): Promise<DefinitionSummary[]> {
    return this.sqlite
      .run(() => this.selectLatestSummaries.all())
      .map((row) => ({ key: row.key, name: row.name, latestVersion: row.version }));
  }

  async latestVersions(): Promise<DefinitionVersionRecord[]> {
    return this.sqlite.run(() => this.selectLatestVersions.all()).map(toDefinition);
  }

  async addFormVersion(record: FormVersionRecord): Promise<void> {
    this.sqlite.run(() =>
      this.insertForm.run(
        record.formId,
        record.version,
        record.checksum,
        toJson(record.schema),
        record.deployedAt,
        record.deployedBy,
      ),
    );
  }

  async getFormVersion(formId: string, version: number): Promise<FormVersionRecord | null> {
    const row = this.sqlite.run(() => this.selectForm.get(formId, version));
    return row ? toForm(row) : null;
  }

  async getLatestForm(formId: string): Promise<FormVersionRecord | null> {
    const row = this.sqlite.run(() => this.selectLatestForm.get(formId));
    return row ? toForm(row) : null;
  }

  async listForms(): Promise<FormVersionRecord[]> {
    return this.sqlite.run(() => this.selectForms.all()).map(toForm);
  }
}

function toDefinition(row: DefinitionRow): DefinitionVersionRecord {
  return {
    key: row.key,
    name: row.name,
    version: row.version,
    checksum: row.checksum,
    xml: row.xml,
    deployedAt: row.deployed_at,
    deployedBy: row.deployed_by,
    forms: fromJson(row.forms),
    settings: fromJson(row.settings),
  };
}

function toForm(row: FormRow): FormVersionRecord {
  return {
    formId: row.form_id,
    version: row.version,
    checksum: row.checksum,
    schema: fromJson(row.schema),
    deployedAt: row.deployed_at,
    deployedBy: row.deployed_by,
  };
}
