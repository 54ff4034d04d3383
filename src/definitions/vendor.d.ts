/**
 * Minimal typings for the untyped parts of bpmn-moddle 10 and bpmnlint 11 that the
 * definitions module uses. Moddle elements stay loosely typed (see lint/rule-utils.ts).
 */
declare module 'bpmn-moddle' {
  export interface ModdleParseWarning {
    message: string;
    element?: { $type?: string; id?: string; [key: string]: unknown };
    property?: string;
    value?: unknown;
    error?: Error;
  }

  export interface ModdleParseResult {
    rootElement: any;
    references: unknown[];
    warnings: ModdleParseWarning[];
    elementsById: Record<string, any>;
  }

  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>, options?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string, options?: Record<string, unknown>): Promise<ModdleParseResult>;
    toXML(element: unknown, options?: Record<string, unknown>): Promise<{ xml: string }>;
    create(type: string, attrs?: Record<string, unknown>): any;
  }
}

declare module 'bpmnlint' {
  export interface BpmnlintReport {
    id?: string;
    message: string;
    path?: string[];
    category: 'off' | 'warn' | 'error' | 'info' | 'rule-error';
    [key: string]: unknown;
  }

  export interface BpmnlintResolver {
    resolveRule(pkg: string, ruleName: string): unknown;
    resolveConfig(pkg: string, configName: string): unknown;
  }

  export class Linter {
    constructor(options: { config?: unknown; resolver: BpmnlintResolver });
    lint(moddleRoot: unknown, config?: unknown): Promise<Record<string, BpmnlintReport[]>>;
  }
}

declare module 'bpmnlint/rules/*' {
  const ruleFactory: (config?: any) => { meta?: unknown; check: unknown };
  export default ruleFactory;
}

declare module 'bpmnlint/config/*' {
  const config: { extends?: string | string[]; rules: Record<string, unknown> };
  export default config;
}
