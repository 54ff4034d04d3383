/**
 * Shared helpers for Samenspel's bpmnlint rules. Browser-safe on purpose: the rules are
 * bundled for the modeler as they are, so nothing here may import Node modules.
 */

/** A bpmn-moddle element, loosely typed: rules read what the descriptors define. */
export interface ModdleElement {
  $type: string;
  $parent?: ModdleElement;
  $attrs?: Record<string, unknown>;
  $descriptor?: ModdleDescriptor;
  $instanceOf?: (type: string) => boolean;
  id?: string;
  name?: string;
  [key: string]: any;
}

export interface ModdleDescriptor {
  isGeneric?: boolean;
  properties: Array<{
    name: string;
    type: string;
    isAttr?: boolean;
    isBody?: boolean;
    isMany?: boolean;
    isReference?: boolean;
    ns?: { name: string; prefix: string; localName: string };
  }>;
}

export interface Reporter {
  report(id: string | undefined, message: string, context?: string[] | Record<string, unknown>): void;
}

export type CheckFn = (node: ModdleElement, reporter: Reporter) => boolean | void;

export interface RuleDefinition {
  meta?: { documentation?: { url?: string }; [key: string]: unknown };
  check: CheckFn | { enter?: CheckFn; leave?: CheckFn };
}

export type RuleFactory<C = any> = (config?: C) => RuleDefinition;

/** The bpmnlint "plugin" name our rules live under: `samenspel/<rule>`. */
export const PLUGIN = 'samenspel';

/**
 * A report that the linter should show as a warning although the rule is configured as
 * an error. bpmnlint has one category per rule, so rules that mix both pass this
 * context; `lintDefinitions` (and the editor integration) honour it.
 */
export const AS_WARNING = Object.freeze({ severity: 'warning' as const });

export function is(node: unknown, type: string): boolean {
  const el = node as ModdleElement | null | undefined;
  if (!el || typeof el !== 'object') return false;
  if (typeof el.$instanceOf === 'function') {
    try {
      return el.$instanceOf(type);
    } catch {
      return false;
    }
  }
  return el.$type === type;
}

export function isAny(node: unknown, types: readonly string[]): boolean {
  return types.some((t) => is(node, t));
}

/** The id of the element, or of the nearest ancestor that has one. */
export function ownerId(node: ModdleElement | undefined): string | undefined {
  let current: ModdleElement | undefined = node;
  let guard = 0;
  while (current && guard++ < 1000) {
    if (typeof current.id === 'string' && current.id !== '') return current.id;
    current = current.$parent;
  }
  return undefined;
}

/** The nearest ancestor (not the node itself) that has an id. */
export function owner(node: ModdleElement | undefined): ModdleElement | undefined {
  let current = node?.$parent;
  let guard = 0;
  while (current && guard++ < 1000) {
    if (typeof current.id === 'string' && current.id !== '') return current;
    current = current.$parent;
  }
  return undefined;
}

/** The extension elements of a type (e.g. `zeebe:AssignmentDefinition`) on an element. */
export function extensions(node: ModdleElement | undefined, type: string): ModdleElement[] {
  const values = node?.extensionElements?.values;
  if (!Array.isArray(values)) return [];
  return values.filter((v: unknown) => is(v, type));
}

export function asText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function isBlank(value: unknown): boolean {
  return asText(value).trim() === '';
}

/** `=expr` is FEEL in Camunda 8 and Samenspel. */
export function isFeel(value: unknown): boolean {
  return asText(value).trim().startsWith('=');
}

/** The FEEL text after the leading `=`. */
export function feelBody(value: string): string {
  const trimmed = value.trim();
  return trimmed.startsWith('=') ? trimmed.slice(1).trim() : trimmed;
}

/** `bpmn:IntermediateCatchEvent` -> `intermediate catch event`. */
export function humanType(type: string): string {
  const local = type.includes(':') ? type.slice(type.indexOf(':') + 1) : type;
  return local
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
}

function quote(text: string, max = 60): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** `user task "Task_1" ("Beoordeel melding")`, the way messages name an element. */
export function describe(node: ModdleElement): string {
  const id = ownerId(node);
  const type = humanType(node.$type);
  const name = typeof node.name === 'string' && node.name.trim() ? ` ("${quote(node.name)}")` : '';
  if (id && id === node.id) return `${type} "${id}"${name}`;
  if (id) return `${type} in "${id}"`;
  return `${type}${name}`;
}

/** `describe` with a capital, for the start of a sentence. */
export function Describe(node: ModdleElement): string {
  const text = describe(node);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function shorten(text: string, max = 80): string {
  return quote(text, max);
}

/**
 * Wraps a check so that one odd element cannot abort the whole rule: the failure is
 * reported on that element instead.
 */
export function guarded(ruleName: string, check: CheckFn): CheckFn {
  return (node, reporter) => {
    try {
      return check(node, reporter);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      reporter.report(
        ownerId(node),
        `Samenspel could not check this element (rule ${ruleName}: ${reason}). Check the element in the editor or contact an administrator.`,
      );
      return undefined;
    }
  };
}

/** All string values an element carries: attributes (known and foreign) and its body. */
export function stringValues(node: ModdleElement): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = [];
  const descriptor = node.$descriptor;
  if (descriptor && !descriptor.isGeneric && Array.isArray(descriptor.properties)) {
    for (const p of descriptor.properties) {
      if (p.isReference) continue;
      const value = (node as Record<string, unknown>)[p.name];
      if (typeof value === 'string') out.push({ name: p.isBody ? 'body' : p.name, value });
    }
  } else {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$type' || key === '$parent') continue;
      if (typeof value === 'string') out.push({ name: key === '$body' ? 'body' : key, value });
    }
  }
  const attrs = node.$attrs;
  if (attrs && typeof attrs === 'object') {
    for (const [key, value] of Object.entries(attrs)) {
      if (typeof value === 'string') out.push({ name: key, value });
    }
  }
  return out;
}

/** `a task`, `an error event`. */
export function withArticle(phrase: string, capital = false): string {
  const article = /^[aeiou]/i.test(phrase) ? 'an' : 'a';
  return `${capital ? article.charAt(0).toUpperCase() + article.slice(1) : article} ${phrase}`;
}
