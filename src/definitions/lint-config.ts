/**
 * The one bpmnlint setup of Samenspel: bpmnlint's `recommended` rules plus our own
 * (`samenspel/*`), served by a static resolver so no rule is looked up on the
 * filesystem. Everything imported here is browser-safe, so the editor can bundle this
 * module with esbuild and hand `{ config: createLintConfig(options), resolver:
 * lintResolver }` to bpmn-js-bpmnlint; the server runs the same rules through
 * `lintDefinitions`.
 */
import { Linter } from 'bpmnlint';
import recommended from 'bpmnlint/config/recommended.js';
import adHocSubProcess from 'bpmnlint/rules/ad-hoc-sub-process.js';
import conditionalFlows from 'bpmnlint/rules/conditional-flows.js';
import endEventRequired from 'bpmnlint/rules/end-event-required.js';
import eventBasedGateway from 'bpmnlint/rules/event-based-gateway.js';
import eventSubProcessTypedStartEvent from 'bpmnlint/rules/event-sub-process-typed-start-event.js';
import fakeJoin from 'bpmnlint/rules/fake-join.js';
import global from 'bpmnlint/rules/global.js';
import labelRequired from 'bpmnlint/rules/label-required.js';
import linkEvent from 'bpmnlint/rules/link-event.js';
import noBpmndi from 'bpmnlint/rules/no-bpmndi.js';
import noComplexGateway from 'bpmnlint/rules/no-complex-gateway.js';
import noDisconnected from 'bpmnlint/rules/no-disconnected.js';
import noDuplicateSequenceFlows from 'bpmnlint/rules/no-duplicate-sequence-flows.js';
import noGatewayJoinFork from 'bpmnlint/rules/no-gateway-join-fork.js';
import noImplicitEnd from 'bpmnlint/rules/no-implicit-end.js';
import noImplicitSplit from 'bpmnlint/rules/no-implicit-split.js';
import noImplicitStart from 'bpmnlint/rules/no-implicit-start.js';
import noInclusiveGateway from 'bpmnlint/rules/no-inclusive-gateway.js';
import noOverlappingElements from 'bpmnlint/rules/no-overlapping-elements.js';
import singleBlankStartEvent from 'bpmnlint/rules/single-blank-start-event.js';
import singleEventDefinition from 'bpmnlint/rules/single-event-definition.js';
import startEventRequired from 'bpmnlint/rules/start-event-required.js';
import subProcessBlankStartEvent from 'bpmnlint/rules/sub-process-blank-start-event.js';
import superfluousGateway from 'bpmnlint/rules/superfluous-gateway.js';
import superfluousLabel from 'bpmnlint/rules/superfluous-label.js';
import superfluousTermination from 'bpmnlint/rules/superfluous-termination.js';

import executableProcess from './lint/executable-process.js';
import feelSyntax, { type FeelChecker } from './lint/feel-syntax.js';
import formExists from './lint/form-exists.js';
import knownConnectors from './lint/known-connectors.js';
import messageNames from './lint/message-names.js';
import noScripts from './lint/no-scripts.js';
import processSettings from './lint/process-settings.js';
import { PLUGIN, type CheckFn, type Reporter, type RuleDefinition, type RuleFactory } from './lint/rule-utils.js';
import supportedElements from './lint/supported-elements.js';
import timerValues from './lint/timer-values.js';
import userTaskAssignment from './lint/user-task-assignment.js';
import { problem, type Problem } from './problem.js';

export type { FeelChecker } from './lint/feel-syntax.js';

export interface LintOptions {
  /** Ids of the forms deployed with the process. */
  knownFormIds?: readonly string[];
  /** Connector types registered in code. */
  connectorTypes?: readonly string[];
  /** FEEL syntax checker: null when the expression parses, else the error. Default: no check. */
  checkFeel?: FeelChecker;
}

/** The bpmnlint package name behind the `samenspel/` rule prefix. */
export const PLUGIN_PACKAGE = `bpmnlint-plugin-${PLUGIN}`;

/** Our rules, by rule name (configured as `samenspel/<name>`). */
export const SAMENSPEL_RULES: Readonly<Record<string, RuleFactory>> = Object.freeze({
  'executable-process': executableProcess,
  'supported-elements': supportedElements,
  'user-task-assignment': userTaskAssignment,
  'form-exists': formExists,
  'feel-syntax': feelSyntax,
  'no-scripts': noScripts,
  'known-connectors': knownConnectors,
  'message-names': messageNames,
  'timer-values': timerValues,
  'process-settings': processSettings,
});

/**
 * What to do about a finding of one of bpmnlint's rules, appended to its terse message
 * so that process owners know what to change.
 */
const BPMNLINT_ADVICE: Readonly<Record<string, string>> = {
  'conditional-flows': 'Give the flow a FEEL condition (for example =urgentie = "acuut") or make it the default flow of its gateway.',
  'end-event-required': 'Add an end event where the process finishes.',
  'event-based-gateway': 'An event-based gateway needs at least two outgoing flows, each to a catch event, without conditions.',
  'event-sub-process-typed-start-event': 'Give the start event of the event sub-process a message, timer or error definition.',
  'fake-join': 'Join the incoming flows with a gateway before this element.',
  global: 'Give each message and error a unique name and use it, or remove it.',
  'label-required': 'Give it a short name that says what happens here.',
  'no-bpmndi': 'It has no shape in the diagram: place it in the editor and save the diagram again.',
  'no-disconnected': 'Connect it with sequence flows, or remove it.',
  'no-duplicate-sequence-flows': 'Remove one of the duplicate sequence flows.',
  'no-gateway-join-fork': 'Use one gateway to join the flows and a second one to split them.',
  'no-implicit-split': 'Split with a gateway instead of drawing several outgoing flows from one element.',
  'no-implicit-end': 'Connect it to an end event.',
  'no-implicit-start': 'Let it follow a start event.',
  'no-overlapping-elements': 'Move the shapes apart.',
  'single-blank-start-event': 'Keep one start event without a definition.',
  'single-event-definition': 'Keep one event definition per event.',
  'start-event-required': 'Add a start event.',
  'sub-process-blank-start-event': 'Remove the event definition from the start event of the sub-process.',
  'superfluous-gateway': 'Remove the gateway and connect the flows directly.',
  'superfluous-termination': 'Use an ordinary end event instead.',
};

function withAdvice(factory: RuleFactory, advice: string | undefined): RuleFactory {
  if (!advice) return factory;
  return (config) => {
    const rule: RuleDefinition = factory(config);
    const wrap =
      (fn: CheckFn): CheckFn =>
      (node, reporter) =>
        fn(node, {
          report: (id, message, context) => {
            const text = /[.!?]$/.test(message) ? message : `${message}.`;
            reporter.report(id, `${text} ${advice}`, context);
          },
        } satisfies Reporter);
    const check = rule.check;
    if (typeof check === 'function') return { ...rule, check: wrap(check) };
    return {
      ...rule,
      check: {
        ...(check.enter ? { enter: wrap(check.enter) } : {}),
        ...(check.leave ? { leave: wrap(check.leave) } : {}),
      },
    };
  };
}

const BPMNLINT_RULE_FACTORIES: Record<string, unknown> = {
  'ad-hoc-sub-process': adHocSubProcess,
  'conditional-flows': conditionalFlows,
  'end-event-required': endEventRequired,
  'event-based-gateway': eventBasedGateway,
  'event-sub-process-typed-start-event': eventSubProcessTypedStartEvent,
  'fake-join': fakeJoin,
  global,
  'label-required': labelRequired,
  'link-event': linkEvent,
  'no-bpmndi': noBpmndi,
  'no-complex-gateway': noComplexGateway,
  'no-disconnected': noDisconnected,
  'no-duplicate-sequence-flows': noDuplicateSequenceFlows,
  'no-gateway-join-fork': noGatewayJoinFork,
  'no-implicit-end': noImplicitEnd,
  'no-implicit-split': noImplicitSplit,
  'no-implicit-start': noImplicitStart,
  'no-inclusive-gateway': noInclusiveGateway,
  'no-overlapping-elements': noOverlappingElements,
  'single-blank-start-event': singleBlankStartEvent,
  'single-event-definition': singleEventDefinition,
  'start-event-required': startEventRequired,
  'sub-process-blank-start-event': subProcessBlankStartEvent,
  'superfluous-gateway': superfluousGateway,
  'superfluous-label': superfluousLabel,
  'superfluous-termination': superfluousTermination,
};

/** bpmnlint's built-in rules (those of `recommended`), with Samenspel's advice added. */
export const BPMNLINT_RULES: Readonly<Record<string, RuleFactory>> = Object.freeze(
  Object.fromEntries(
    Object.entries(BPMNLINT_RULE_FACTORIES).map(([name, factory]) => [
      name,
      withAdvice(factory as RuleFactory, BPMNLINT_ADVICE[name]),
    ]),
  ),
);

/** A bpmnlint resolver that serves bpmnlint's recommended rules and config and ours. */
export const lintResolver = Object.freeze({
  resolveRule(pkg: string, ruleName: string): RuleFactory {
    const rules = pkg === 'bpmnlint' ? BPMNLINT_RULES : pkg === PLUGIN_PACKAGE ? SAMENSPEL_RULES : undefined;
    const rule = rules && Object.prototype.hasOwnProperty.call(rules, ruleName) ? rules[ruleName] : undefined;
    if (!rule) throw new Error(`unknown lint rule <${pkg}/${ruleName}>`);
    return rule;
  },
  resolveConfig(pkg: string, configName: string): unknown {
    if (pkg === 'bpmnlint' && configName === 'recommended') return recommended;
    throw new Error(`unknown lint config <${pkg}/${configName}>`);
  },
});

type RuleSetting = 'error' | 'warn' | 'off' | ['error' | 'warn', Record<string, unknown>];

/**
 * The bpmnlint configuration: `bpmnlint:recommended` (labels and layout as warnings), and our rules as errors
 * (rules that also report warnings mark those reports with `severity: 'warning'`).
 */
export function createLintConfig(options: LintOptions = {}): { extends: string; rules: Record<string, RuleSetting> } {
  const knownFormIds = Array.isArray(options.knownFormIds) ? [...options.knownFormIds] : [];
  const connectorTypes = Array.isArray(options.connectorTypes) ? [...options.connectorTypes] : [];
  const rules: Record<string, RuleSetting> = {};
  // Labels and diagram layout matter to readers, not to execution: diagrams deployed by
  // other tools through the API may lack them, so they warn instead of refusing.
  rules['label-required'] = 'warn';
  rules['no-bpmndi'] = 'warn';
  for (const name of Object.keys(SAMENSPEL_RULES)) rules[`${PLUGIN}/${name}`] = 'error';
  rules[`${PLUGIN}/form-exists`] = ['error', { knownFormIds }];
  rules[`${PLUGIN}/known-connectors`] = ['error', { connectorTypes }];
  if (typeof options.checkFeel === 'function') {
    rules[`${PLUGIN}/feel-syntax`] = ['error', { checkFeel: options.checkFeel }];
  }
  return { extends: 'bpmnlint:recommended', rules };
}

/** The ids of all rules in the configuration, as they appear in `Problem.rule`. */
export function lintRuleIds(): string[] {
  return [
    ...Object.keys(recommended.rules),
    ...Object.keys(SAMENSPEL_RULES).map((name) => `${PLUGIN}/${name}`),
  ];
}

interface LintReport {
  id?: string;
  message?: string;
  category?: string;
  severity?: string;
}

/** The severity of one bpmnlint report, honouring per-report `severity: 'warning'`. */
export function reportSeverity(report: LintReport): Problem['severity'] {
  if (report.category === 'warn' || report.category === 'info') return 'warning';
  if (report.category === 'error' && report.severity === 'warning') return 'warning';
  return 'error';
}

/** Runs bpmnlint with Samenspel's configuration over a parsed definitions root. */
export async function lintDefinitions(definitions: unknown, options: LintOptions = {}): Promise<Problem[]> {
  // bpmnlint's `global` and `no-bpmndi` read these lists directly and fail on a file
  // that has none; moddle's get() creates the empty list.
  const root = definitions as { get?: (name: string) => unknown } | null;
  if (root && typeof root.get === 'function') {
    root.get('rootElements');
    root.get('diagrams');
  }
  const linter = new Linter({ config: createLintConfig(options), resolver: lintResolver });
  const results = await linter.lint(definitions);
  const problems: Problem[] = [];
  for (const [rule, reports] of Object.entries(results)) {
    for (const report of reports as LintReport[]) {
      if (report.category === 'off') continue;
      const id = typeof report.id === 'string' && report.id !== '' ? report.id : null;
      const message =
        report.category === 'rule-error'
          ? `The check ${rule} failed (${report.message ?? 'unknown error'}). The diagram could not be fully validated; contact an administrator.`
          : String(report.message ?? '');
      problems.push(problem(rule, id, message, reportSeverity(report)));
    }
  }
  return problems;
}
