/**
 * Process definitions, deployments, validation, forms and drafts as callers see them:
 * every call is decided by the policy and audited through the guard (definitions are not
 * case data, but deploys change what runs and reads show who looked at what).
 */
import type { Guard } from '../access/guarded.js';
import { readableDefinitions } from '../access/policy.js';
import type { Principal } from '../access/principal.js';
import type { Clock } from '../clock.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { DefinitionVersionRecord, DraftRecord, ElementStatistics, Json, Store } from '../store/port.js';
import type { DeployInput, DeploymentService } from './deployment-service.js';
import type { Problem } from './problem.js';

/** A deploy, validate or draft body: BPMN XML as it came, or JSON `{xml, forms?}`. */
export type DefinitionSource = string | DeployInput;

export interface DefinitionListItem {
  key: string;
  name: string;
  latestVersion: number;
}

export interface DefinitionDetail {
  key: string;
  name: string;
  versions: { version: number; deployedAt: string; deployedBy: string; checksum: string }[];
}

export interface DraftSummary {
  key: string;
  savedAt: string;
  savedBy: string;
  problems: Problem[];
}

export interface DraftDetail extends DraftSummary {
  xml: string;
  forms: Record<string, unknown>;
}

export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface DefinitionServiceOptions {
  store: Store;
  deployments: DeploymentService;
  guard: Guard;
  clock: Clock;
}

function sourceOf(body: DefinitionSource): DeployInput {
  return typeof body === 'string' ? { xml: body } : { xml: body.xml, ...(body.forms === undefined ? {} : { forms: body.forms }) };
}

/**
 * Pages over a list sorted by key: the cursor is the last key of the previous page
 * (base64url), so a page stays right when entries are added or removed meanwhile.
 */
export function pageByKey<T extends { key: string }>(sorted: readonly T[], limit = 50, cursor?: string): ListPage<T> {
  let after: string | undefined;
  if (cursor !== undefined) {
    after = Buffer.from(cursor, 'base64url').toString('utf8');
    if (after === '' || Buffer.from(after, 'utf8').toString('base64url') !== cursor) {
      throw new BadRequestError('invalid_cursor', 'The cursor is not one this list gave out.', [{ path: 'query.cursor', message: 'Unknown cursor' }]);
    }
  }
  const rest = after === undefined ? sorted : sorted.filter((item) => item.key > after!);
  const items = rest.slice(0, limit);
  const nextCursor = rest.length > limit ? Buffer.from(items[items.length - 1]!.key, 'utf8').toString('base64url') : null;
  return { items, nextCursor };
}

const byKey = <T extends { key: string }>(a: T, b: T) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export function createDefinitionService(options: DefinitionServiceOptions) {
  const { store, deployments, guard, clock } = options;

  async function latest(key: string): Promise<DefinitionVersionRecord> {
    const record = await store.definitions.getLatest(key);
    if (!record) throw new NotFoundError('definition_not_found', `no process definition "${key}"`);
    return record;
  }

  function draftSummary(draft: DraftRecord): DraftSummary {
    return { key: draft.key, savedAt: draft.savedAt, savedBy: draft.savedBy, problems: draft.problems as unknown as Problem[] };
  }

  return {
    /** GET /api/definitions: the latest version of every process the caller may read. */
    async list(principal: Principal, query: { limit?: number; cursor?: string } = {}): Promise<ListPage<DefinitionListItem>> {
      return guard(principal, 'definition.list', { resource: 'definitions' }, async () => {
        const readable = readableDefinitions(principal, await store.definitions.latestVersions()).sort(byKey);
        const page = pageByKey(readable, query.limit, query.cursor);
        return {
          items: page.items.map((record) => ({ key: record.key, name: record.name, latestVersion: record.version })),
          nextCursor: page.nextCursor,
        };
      });
    },

    async get(principal: Principal, key: string): Promise<DefinitionDetail> {
      const definition = await latest(key);
      return guard(
        principal,
        'definition.read',
        { resource: `definition/${key}` },
        async () => {
          const versions = await store.definitions.listVersions(key);
          return {
            key,
            name: definition.name,
            versions: versions.map(({ version, deployedAt, deployedBy, checksum }) => ({ version, deployedAt, deployedBy, checksum })),
          };
        },
        { definition },
      );
    },

    /** The BPMN XML of one version (`latest` for the newest). */
    async xml(principal: Principal, key: string, version: number | 'latest'): Promise<string> {
      const newest = await latest(key);
      const record = version === 'latest' ? newest : await store.definitions.getVersion(key, version);
      if (!record) throw new NotFoundError('definition_not_found', `process definition "${key}" has no version ${version}`);
      return guard(
        principal,
        'definition.read',
        { resource: `definition/${key}`, details: { version: record.version, part: 'xml' } },
        async () => record.xml,
        { definition: newest },
      );
    },

    /** Running cases of one version per element (`latest` for the newest): the modeler's overlays. */
    async statistics(principal: Principal, key: string, version: number | 'latest'): Promise<ElementStatistics[]> {
      const newest = await latest(key);
      const record = version === 'latest' ? newest : await store.definitions.getVersion(key, version);
      if (!record) throw new NotFoundError('definition_not_found', `process definition "${key}" has no version ${version}`);
      return guard(principal, 'definition.statistics', { resource: `definition/${key}`, details: { version: record.version, part: 'statistics' } }, () =>
        store.instances.elementStatistics(key, record.version),
      );
    },

    /**
     * Deploys every process of the file as a new version, or nothing for one that did not
     * change. `created` tells the route whether anything new exists (201) or not (200).
     */
    async deploy(principal: Principal, body: DefinitionSource) {
      const input = sourceOf(body);
      return guard(principal, 'definition.deploy', { resource: 'deployments', details: { forms: Object.keys(input.forms ?? {}).length } }, async () => {
        const { deployed } = await deployments.deploy(input, principal.id);
        return { deployed, created: deployed.some((process) => process.unchanged !== true) };
      });
    },

    async validate(principal: Principal, body: DefinitionSource) {
      const input = sourceOf(body);
      return guard(principal, 'definition.validate', { resource: 'validation' }, () => deployments.validate(input));
    },

    /** A deployed form-js schema: the latest version, or the one asked for. */
    async form(principal: Principal, formId: string, version?: number): Promise<Record<string, unknown>> {
      return guard(principal, 'form.read', { resource: `form/${formId}`, details: version === undefined ? undefined : { version } }, async () => {
        const form = version === undefined ? await store.definitions.getLatestForm(formId) : await store.definitions.getFormVersion(formId, version);
        if (!form) {
          throw new NotFoundError('form_not_found', version === undefined ? `no form "${formId}"` : `form "${formId}" has no version ${version}`);
        }
        return form.schema;
      });
    },

    async listDrafts(principal: Principal, query: { limit?: number; cursor?: string } = {}): Promise<ListPage<DraftSummary>> {
      return guard(principal, 'draft.read', { resource: 'drafts' }, async () => {
        const page = pageByKey(await store.drafts.list(), query.limit, query.cursor);
        return { items: page.items.map(draftSummary), nextCursor: page.nextCursor };
      });
    },

    async getDraft(principal: Principal, key: string): Promise<DraftDetail> {
      return guard(principal, 'draft.read', { resource: `draft/${key}` }, async () => {
        const draft = await store.drafts.get(key);
        if (!draft) throw new NotFoundError('draft_not_found', `no draft "${key}"`);
        return { ...draftSummary(draft), xml: draft.xml, forms: draft.forms };
      });
    },

    /** Validates and saves a draft; problems are reported, never a reason to refuse it. */
    async saveDraft(principal: Principal, key: string, body: DefinitionSource): Promise<DraftSummary> {
      const input = sourceOf(body);
      return guard(principal, 'draft.write', { resource: `draft/${key}` }, async () => {
        const { problems } = await deployments.validate(input);
        const draft: DraftRecord = {
          key,
          xml: input.xml,
          forms: input.forms ?? {},
          savedAt: clock.now().toISOString(),
          savedBy: principal.id,
          problems: problems as unknown as Json[],
        };
        await store.drafts.put(draft);
        return draftSummary(draft);
      });
    },

    async deleteDraft(principal: Principal, key: string): Promise<void> {
      return guard(principal, 'draft.write', { resource: `draft/${key}`, details: { part: 'delete' } }, async () => {
        if (!(await store.drafts.delete(key))) throw new NotFoundError('draft_not_found', `no draft "${key}"`);
      });
    },
  };
}

export type DefinitionService = ReturnType<typeof createDefinitionService>;
