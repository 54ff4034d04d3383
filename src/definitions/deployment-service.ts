import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../clock.js';
import { InvalidError } from '../errors.js';
import { compileDefinition } from '../engine/compile-definition.js';
import { feelSyntaxError } from '../engine/feel.js';
import { scheduleTimer } from '../engine/timer-schedule.js';
import { parseFormSchema } from '../forms/form-schema.js';
import type { DefinitionVersionRecord, FormVersionRecord, Store, TimerRecord } from '../store/port.js';
import { validateDefinition } from './validate-definition.js';
import type { Problem } from './problem.js';

export interface DeployInput {
  xml: string;
  /** formId -> form-js schema, deployed and versioned with the process. */
  forms?: Record<string, unknown>;
}

export interface DeployedProcess {
  key: string;
  version: number;
  unchanged?: true;
}

export interface ValidationResult {
  valid: boolean;
  problems: Problem[];
}

export interface DeploymentServiceOptions {
  store: Store;
  clock: Clock;
  connectorTypes: () => string[];
  /** Called after a deploy created a new version (message-start index, caches). */
  onDeployed?: (deployed: DeployedProcess[]) => void;
  ids: () => string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** JSON with sorted keys, so that the same form always has the same checksum. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

function referencedFormIds(xml: string): string[] {
  return [...new Set([...xml.matchAll(/formId\s*=\s*"([^"]+)"/g)].map((match) => match[1]))];
}

export function createDeploymentService(options: DeploymentServiceOptions) {
  const { store, clock } = options;

  async function check(input: DeployInput) {
    const problems: Problem[] = [];
    const forms = new Map<string, { schema: Record<string, unknown>; checksum: string }>();
    for (const [formId, json] of Object.entries(input.forms ?? {})) {
      try {
        const schema = parseFormSchema(json, { checkFeel: feelSyntaxError }) as unknown as Record<string, unknown>;
        forms.set(formId, { schema, checksum: sha256(canonicalJson(schema)) });
      } catch (err) {
        const details = (err as InvalidError).details ?? [];
        if (!details.length) problems.push({ elementId: formId, rule: 'form-schema', message: (err as Error).message, severity: 'error' });
        for (const detail of details) {
          problems.push({ elementId: formId, rule: 'form-schema', message: `${detail.path ? `${detail.path}: ` : ''}${detail.message}`, severity: 'error' });
        }
      }
    }
    const known = new Set(forms.keys());
    for (const formId of typeof input.xml === 'string' ? referencedFormIds(input.xml) : []) {
      if (!known.has(formId) && (await store.definitions.getLatestForm(formId))) known.add(formId);
    }
    const verdict = await validateDefinition(input.xml, {
      knownFormIds: [...known],
      connectorTypes: options.connectorTypes(),
      checkFeel: feelSyntaxError,
    });
    problems.push(...verdict.problems);
    return { problems, processes: verdict.processes, forms };
  }

  async function deployForm(formId: string, form: { schema: Record<string, unknown>; checksum: string }, actor: string): Promise<number> {
    const latest = await store.definitions.getLatestForm(formId);
    if (latest?.checksum === form.checksum) return latest.version;
    const record: FormVersionRecord = {
      formId,
      version: (latest?.version ?? 0) + 1,
      checksum: form.checksum,
      schema: form.schema,
      deployedAt: clock.now().toISOString(),
      deployedBy: actor,
    };
    await store.definitions.addFormVersion(record);
    return record.version;
  }

  async function scheduleStartTimers(record: DefinitionVersionRecord): Promise<void> {
    const compiled = await compileDefinition(record.xml, record.key, record.version);
    const timers: TimerRecord[] = [];
    for (const element of compiled.model.elements.values()) {
      if (!element.isStart || !element.timer || element.parentId !== record.key) continue;
      const schedule = scheduleTimer(element.timer, {}, { now: clock.now() });
      timers.push({
        id: options.ids(),
        instanceId: null,
        definitionKey: record.key,
        definitionVersion: record.version,
        elementId: element.id,
        timerType: element.timer.timerType,
        dueAt: schedule.dueAt.toISOString(),
        repetitionsLeft: schedule.repetitionsLeft,
        ref: { startEventId: element.id },
        leaseOwner: null,
        leaseUntil: null,
      });
    }
    await store.timers.replaceStartTimers(record.key, timers);
  }

  return {
    async validate(input: DeployInput): Promise<ValidationResult> {
      const { problems } = await check(input);
      return { valid: !problems.some((problem) => problem.severity === 'error'), problems };
    },

    /** Deploys every executable process of the file as version n+1, or nothing for a
     * process whose XML and forms are unchanged. Invalid input changes nothing. */
    async deploy(input: DeployInput, actor: string): Promise<{ deployed: DeployedProcess[] }> {
      const { problems, processes, forms } = await check(input);
      const errors = problems.filter((problem) => problem.severity === 'error');
      if (errors.length) {
        throw new InvalidError('invalid_bpmn', `the diagram has ${errors.length} problem(s)`, errors.map((problem) => ({ ...problem, elementId: problem.elementId ?? undefined })));
      }
      const formVersions = new Map<string, { version: number; checksum: string }>();
      for (const [formId, form] of forms) formVersions.set(formId, { version: await deployForm(formId, form, actor), checksum: form.checksum });
      for (const formId of referencedFormIds(input.xml)) {
        if (formVersions.has(formId)) continue;
        const latest = await store.definitions.getLatestForm(formId);
        if (latest) formVersions.set(formId, { version: latest.version, checksum: latest.checksum });
      }
      const referenced = referencedFormIds(input.xml).sort();
      const formPart = referenced.map((formId) => `${formId}:${formVersions.get(formId)?.checksum ?? ''}`).join('\n');
      const checksum = sha256(`${input.xml}\n${formPart}`);

      const deployed: DeployedProcess[] = [];
      const created: DeployedProcess[] = [];
      for (const process of processes.filter((candidate) => candidate.isExecutable)) {
        const latest = await store.definitions.getLatest(process.id);
        if (latest?.checksum === checksum) {
          deployed.push({ key: process.id, version: latest.version, unchanged: true });
          continue;
        }
        const record: DefinitionVersionRecord = {
          key: process.id,
          name: process.name || process.id,
          version: (latest?.version ?? 0) + 1,
          checksum,
          xml: input.xml,
          deployedAt: clock.now().toISOString(),
          deployedBy: actor,
          forms: Object.fromEntries(referenced.filter((id) => formVersions.has(id)).map((id) => [id, formVersions.get(id)!.version])),
          settings: process.settings as Record<string, unknown>,
        };
        await store.definitions.addVersion(record);
        await scheduleStartTimers(record);
        deployed.push({ key: record.key, version: record.version });
        created.push({ key: record.key, version: record.version });
      }
      if (created.length) options.onDeployed?.(created);
      return { deployed };
    },

    /** Deploys every `*.bpmn` of a folder with the `*.form` files it references. */
    async deployDirectory(dir: string, actor: string): Promise<DeployedProcess[]> {
      const names = (await readdir(dir)).sort();
      const forms: Record<string, unknown> = {};
      for (const name of names.filter((file) => file.endsWith('.form'))) {
        const json = JSON.parse(await readFile(path.join(dir, name), 'utf8'));
        forms[typeof json?.id === 'string' ? json.id : path.basename(name, '.form')] = json;
      }
      const results: DeployedProcess[] = [];
      for (const name of names.filter((file) => file.endsWith('.bpmn'))) {
        const xml = await readFile(path.join(dir, name), 'utf8');
        const own = Object.fromEntries(referencedFormIds(xml).filter((id) => id in forms).map((id) => [id, forms[id]]));
        try {
          results.push(...(await this.deploy({ xml, forms: own }, actor)).deployed);
        } catch (err) {
          if (err instanceof InvalidError) {
            const where = err.details.map((d) => `${d.elementId ?? '-'}: ${d.message}`).join('; ');
            throw new InvalidError(err.code, `${name}: ${err.message}: ${where}`, err.details);
          }
          throw err;
        }
      }
      return results;
    },
  };
}

export type DeploymentService = ReturnType<typeof createDeploymentService>;
