/**
 * Live validation with the server's own rules: bpmn-js-bpmnlint runs the configuration
 * of `src/definitions/lint-config.ts` (bpmnlint's recommended rules and Samenspel's
 * `samenspel/*` rules, the very files the server runs) on every change.
 *
 * - Reports our rules mark as warnings (`severity: 'warning'`) are shown as warnings,
 *   as the server does.
 * - The forms a diagram may use are those saved with it plus those already deployed;
 *   the page tells this service (`setKnownForms`) and the linter runs again.
 * - Every run ends with `samenspel.problems` carrying the flat, sorted problem list.
 */
import { createLintConfig, lintResolver } from '../../../../src/definitions/lint-config.js';
import { checkFeelSyntax } from '../../../../src/definitions/feel-check.js';

export interface LintProblem {
  /** The element the problem is about (null: the whole diagram). */
  elementId: string | null;
  rule: string;
  message: string;
  severity: 'error' | 'warning';
}

interface Report {
  id?: string;
  message: string;
  category: string;
  severity?: string;
  rule?: string;
  isChildIssue?: boolean;
  actualElementId?: string;
}

interface Linting {
  lint(): Promise<Record<string, Report[]>>;
  setLinterConfig(config: unknown): void;
  update(): void;
  toggle(active?: boolean): boolean;
}

interface EventBus {
  on(event: string, callback: (event: any) => void): void;
  fire(event: string, data?: unknown): void;
}

export interface SamenspelLintingConfig {
  connectorTypes?: string[];
}

export function sortLintProblems(problems: LintProblem[]): LintProblem[] {
  return [...problems].sort(
    (a, b) =>
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      (a.elementId ?? '').localeCompare(b.elementId ?? '') ||
      a.rule.localeCompare(b.rule) ||
      a.message.localeCompare(b.message),
  );
}

export default class SamenspelLinting {
  static $inject = ['linting', 'eventBus', 'config.samenspelLinting'];

  private knownFormIds: string[] = [];
  private readonly connectorTypes: string[];
  private current: LintProblem[] = [];

  constructor(
    private readonly linting: Linting,
    private readonly eventBus: EventBus,
    config: SamenspelLintingConfig | undefined,
  ) {
    this.connectorTypes = [...(config?.connectorTypes ?? [])];

    const lint = linting.lint.bind(linting);
    linting.lint = async () => {
      const results = await lint();
      for (const reports of Object.values(results)) {
        for (const report of reports) {
          if (report.category === 'error' && report.severity === 'warning') report.category = 'warn';
        }
      }
      return results;
    };

    eventBus.on('linting.completed', ({ issues }: { issues: Record<string, Report[]> }) => {
      const problems: LintProblem[] = [];
      for (const reports of Object.values(issues)) {
        for (const report of reports) {
          if (report.category !== 'error' && report.category !== 'warn' && report.category !== 'rule-error') continue;
          problems.push({
            elementId: report.actualElementId ?? report.id ?? null,
            rule: report.rule ?? 'unknown',
            message: report.message,
            severity: report.category === 'warn' ? 'warning' : 'error',
          });
        }
      }
      this.current = sortLintProblems(problems);
      eventBus.fire('samenspel.problems', { problems: this.current });
    });

    linting.setLinterConfig(this.linterConfig());
  }

  /** The problems of the last run. */
  problems(): LintProblem[] {
    return this.current;
  }

  knownForms(): string[] {
    return [...this.knownFormIds];
  }

  /** The forms the diagram may link; lints again when the list changed. */
  setKnownForms(formIds: Iterable<string>): void {
    const next = [...new Set(formIds)].sort();
    if (next.join('\n') === this.knownFormIds.join('\n')) return;
    this.knownFormIds = next;
    this.linting.setLinterConfig(this.linterConfig());
  }

  private linterConfig() {
    return {
      config: createLintConfig({ knownFormIds: this.knownFormIds, connectorTypes: this.connectorTypes, checkFeel: checkFeelSyntax }),
      resolver: lintResolver,
    };
  }
}
