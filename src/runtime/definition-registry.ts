import { NotFoundError } from '../errors.js';
import { compileDefinition, type CompiledDefinition } from '../engine/compile-definition.js';
import type { DefinitionStore, DefinitionVersionRecord } from '../store/port.js';

export interface MessageStart {
  definitionKey: string;
  version: number;
  startEventId: string;
}

/**
 * Compiled definitions, parsed once per version (parsing costs ~3 ms, recovering needs
 * the parsed model), and the index of message start events of the latest versions.
 */
export class DefinitionRegistry {
  private compiled = new Map<string, Promise<CompiledDefinition>>();
  private messageStarts: Promise<Map<string, MessageStart[]>> | null = null;
  /** The latest versions the message start index was built from. */
  private builtFrom: string | null = null;

  constructor(
    private readonly store: DefinitionStore,
    private readonly maxCompiled = 200,
  ) {}

  async version(key: string, version?: number): Promise<DefinitionVersionRecord> {
    const record = version === undefined ? await this.store.getLatest(key) : await this.store.getVersion(key, version);
    if (!record) {
      throw new NotFoundError(
        'definition_not_found',
        version === undefined ? `no process definition "${key}"` : `process definition "${key}" has no version ${version}`,
      );
    }
    return record;
  }

  /** The compiled model of one version; compiled at most once per process. */
  async compile(key: string, version: number): Promise<CompiledDefinition> {
    const cacheKey = `${key}@${version}`;
    let entry = this.compiled.get(cacheKey);
    if (entry) {
      this.compiled.delete(cacheKey);
      this.compiled.set(cacheKey, entry);
      return entry;
    }
    entry = this.version(key, version).then((record) => compileDefinition(record.xml, key, version));
    entry.catch(() => this.compiled.delete(cacheKey));
    this.compiled.set(cacheKey, entry);
    while (this.compiled.size > this.maxCompiled) this.compiled.delete(this.compiled.keys().next().value as string);
    return entry;
  }

  /**
   * Latest-version processes that start with a message of this name. The index is checked
   * against the store's latest versions on every use, so that a deploy through another node
   * (several nodes on one database) counts at once.
   */
  async startsFor(messageName: string): Promise<MessageStart[]> {
    const latest = (await this.store.listLatest()).map((summary) => `${summary.key}@${summary.latestVersion}`).join('\n');
    if (latest !== this.builtFrom) {
      this.messageStarts = null;
      this.builtFrom = latest;
    }
    this.messageStarts ??= this.buildMessageStarts();
    const index = await this.messageStarts;
    return index.get(messageName) ?? [];
  }

  /** Called after every deploy: the latest versions changed. */
  invalidate(): void {
    this.messageStarts = null;
  }

  private async buildMessageStarts(): Promise<Map<string, MessageStart[]>> {
    const index = new Map<string, MessageStart[]>();
    try {
      for (const record of await this.store.latestVersions()) {
        const compiled = await this.compile(record.key, record.version);
        for (const element of compiled.model.elements.values()) {
          if (element.messageRole !== 'start' || !element.messageName) continue;
          if (element.parentId !== compiled.key) continue;
          const list = index.get(element.messageName) ?? [];
          list.push({ definitionKey: record.key, version: record.version, startEventId: element.id });
          index.set(element.messageName, list);
        }
      }
    } catch (err) {
      this.messageStarts = null;
      throw err;
    }
    return index;
  }
}
