/**
 * Deploy-time validation of a BPMN definition: parse (refusing unsafe input), then run
 * bpmnlint's recommended rules and Samenspel's own, and read each process's settings.
 */
import { lintDefinitions, type FeelChecker } from './lint-config.js';
import { is, type ModdleElement } from './lint/rule-utils.js';
import { parseBpmn } from './parse-bpmn.js';
import { dedupeProblems, problem, sortProblems, type Problem } from './problem.js';
import { readProcessSettings, type ProcessSettings } from './process-settings.js';

export type { Problem } from './problem.js';
export type { ProcessSettings } from './process-settings.js';
export type { FeelChecker } from './lint-config.js';

export interface ProcessInfo {
  id: string;
  name: string | null;
  isExecutable: boolean;
  settings: ProcessSettings;
}

export interface ValidateOptions {
  /** Ids of the forms deployed with the process. */
  knownFormIds: string[];
  /** Connector types registered in code. */
  connectorTypes: string[];
  /** FEEL syntax checker: null when the expression parses, else the error. Default: no check. */
  checkFeel?: FeelChecker;
}

export interface ValidationResult {
  /** Errors first, then warnings; the definition may be deployed when there are no errors. */
  problems: Problem[];
  processes: ProcessInfo[];
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function readProcesses(definitions: ModdleElement): ProcessInfo[] {
  const roots: unknown[] = Array.isArray(definitions.rootElements) ? definitions.rootElements : [];
  return roots
    .filter((r): r is ModdleElement => is(r, 'bpmn:Process'))
    .map((p) => ({
      id: String(p.id ?? ''),
      name: typeof p.name === 'string' && p.name.trim() !== '' ? p.name : null,
      isExecutable: p.isExecutable === true,
      settings: readProcessSettings(p).settings,
    }));
}

/** True when a validation result allows deploying. */
export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/**
 * Validates BPMN XML for deployment. Never throws: whatever the input, the outcome is
 * a list of problems (parse problems alone when the file cannot be read).
 */
export async function validateDefinition(xml: string, options: ValidateOptions): Promise<ValidationResult> {
  try {
    const opts = (options && typeof options === 'object' ? options : {}) as Partial<ValidateOptions>;
    const parsed = await parseBpmn(xml);
    // Parse errors stop validation early; a parse warning (declared encoding) does not.
    if (!parsed.definitions || hasErrors(parsed.warnings)) {
      return { problems: sortProblems(dedupeProblems(parsed.warnings)), processes: [] };
    }

    const problems = await lintDefinitions(parsed.definitions, {
      knownFormIds: stringList(opts.knownFormIds),
      connectorTypes: stringList(opts.connectorTypes),
      checkFeel: typeof opts.checkFeel === 'function' ? opts.checkFeel : undefined,
    });

    return {
      problems: sortProblems(dedupeProblems([...parsed.warnings, ...problems])),
      processes: readProcesses(parsed.definitions),
    };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return {
      problems: [
        problem(
          'internal',
          null,
          `Samenspel could not validate this diagram because of an internal error (${reason.split('\n')[0]}). Nothing was deployed; contact an administrator.`,
        ),
      ],
      processes: [],
    };
  }
}
