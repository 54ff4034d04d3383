/**
 * Organisation boundaries on case data: a variable may be marked as visible to some
 * organisations only; everyone else taking part in the case does not get it at all.
 *
 * Rules map a variable path to the organisations allowed to read it:
 *   { "strafrechtelijkeAntecedenten": ["politie", "om"], "melder.telefoon": ["veilig-thuis"] }
 * They come from two places, merged (where both name a path, only organisations in both
 * may read it, so adding a rule can only narrow access):
 * - the deployed version's `settings.visibility`, filled at deploy from process-level
 *   zeebe:properties `samenspel.visibleTo.<variable>` = "politie, om"
 *   (`visibilityFromProperties` reads those);
 * - form fields whose form-js component has `properties.visibleTo` = "politie,om" (the
 *   field's binding path is the variable path; on a group it covers the group's fields).
 *
 * A rule on `melder` hides the whole object; one on `melder.telefoon` hides that key only
 * (inside lists, in every item). Variables without a rule are visible to every
 * organisation taking part in the case (the policy already decided that the caller takes
 * part). Administrators see everything; auditors and process owners see no case data.
 */
import type { CommentRecord, Variables } from '../store/port.js';
import type { Principal } from './principal.js';

/** Variable path (dot-separated) -> organisations allowed to read it. */
export type VisibilityRules = Readonly<Record<string, readonly string[]>>;

export const VISIBILITY_PROPERTY_PREFIX = 'samenspel.visibleTo.';

const PATH = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
const UNSAFE_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);
const CONTAINER_TYPES = new Set(['group', 'dynamiclist']);

/** "politie, om" or ["politie", "om"] -> ["politie", "om"]; anything else -> [] (nobody). */
export function parseOrganisationList(value: unknown): string[] {
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : [];
  const ids = items.filter((item): item is string => typeof item === 'string').map((item) => item.trim().toLowerCase());
  return [...new Set(ids.filter((id) => id !== ''))].sort();
}

export function isVariablePath(path: string): boolean {
  return PATH.test(path) && !path.split('.').some((segment) => UNSAFE_SEGMENTS.has(segment));
}

/**
 * For the deploy side: the `samenspel.visibleTo.<variable>` zeebe:properties of a process
 * as the value of `settings.visibility`. Properties with another name are skipped.
 */
export function visibilityFromProperties(properties: readonly { name?: unknown; value?: unknown }[]): Record<string, string[]> {
  const rules: Record<string, string[]> = {};
  for (const property of properties) {
    if (typeof property.name !== 'string' || !property.name.startsWith(VISIBILITY_PROPERTY_PREFIX)) continue;
    const path = property.name.slice(VISIBILITY_PROPERTY_PREFIX.length).trim();
    if (isVariablePath(path)) addRule(rules, path, parseOrganisationList(property.value));
  }
  return rules;
}

/** The rules of a deployed version: its settings.visibility merged with its forms' field rules. */
export function visibilityRules(settings: Record<string, unknown>, forms: readonly unknown[] = []): VisibilityRules {
  const rules: Record<string, string[]> = {};
  const fromSettings = settings.visibility;
  if (fromSettings !== null && typeof fromSettings === 'object' && !Array.isArray(fromSettings)) {
    for (const [path, organisations] of Object.entries(fromSettings)) {
      // A malformed list parses to [] and so hides the variable: a broken rule fails closed.
      if (isVariablePath(path)) addRule(rules, path, parseOrganisationList(organisations));
    }
  }
  for (const form of forms) {
    if (isObject(form) && Array.isArray(form.components)) collectFormRules(form.components, [], [], rules);
  }
  return rules;
}

/** A filtered deep copy of `variables` holding only what the caller may read. */
export function visibleVariables(principal: Principal, variables: Variables, rules: VisibilityRules): Variables {
  if (principal.roles.includes('administrator')) return structuredClone(variables);
  if (!principal.roles.includes('case-worker')) return {};
  const copy = structuredClone(variables);
  prune(copy, ruleTree(rules), principal.organisation);
  return copy;
}

/** Whether the caller's organisation is on an allow-list (null: no list, everyone taking part). */
export function organisationMayRead(principal: Principal, organisations: readonly string[] | null): boolean {
  if (principal.roles.includes('administrator')) return true;
  if (!principal.roles.includes('case-worker')) return false;
  return organisations === null || (principal.organisation !== null && organisations.includes(principal.organisation));
}

/** Comments follow the same rule through their `visibleTo` list; authors always see their own. */
export function mayReadComment(principal: Principal, comment: Pick<CommentRecord, 'author' | 'visibleTo'>): boolean {
  if (principal.roles.includes('case-worker') && comment.author === principal.id) return true;
  return organisationMayRead(principal, comment.visibleTo);
}

export function visibleComments<C extends Pick<CommentRecord, 'author' | 'visibleTo'>>(principal: Principal, comments: readonly C[]): C[] {
  return comments.filter((comment) => mayReadComment(principal, comment));
}

/**
 * The `visibleTo` to store for a new comment: null (everyone in the case) when none was
 * asked, else the asked organisations plus the author's own, so colleagues can read it too.
 */
export function commentAudience(author: Principal, requested: readonly string[] | null | undefined): string[] | null {
  if (requested === null || requested === undefined) return null;
  const organisations = parseOrganisationList([...requested, ...(author.organisation ? [author.organisation] : [])]);
  return organisations;
}

// ---------------------------------------------------------------- internals

function addRule(rules: Record<string, string[]>, path: string, organisations: readonly string[]): void {
  const existing = Object.hasOwn(rules, path) ? rules[path] : undefined;
  rules[path] = existing === undefined ? [...organisations] : existing.filter((id) => organisations.includes(id));
}

function collectFormRules(components: unknown[], prefix: string[], inherited: string[][], rules: Record<string, string[]>): void {
  for (const component of components) {
    if (!isObject(component)) continue;
    const own = isObject(component.properties) && component.properties.visibleTo !== undefined
      ? [parseOrganisationList(component.properties.visibleTo)]
      : [];
    const lists = [...inherited, ...own];
    if (typeof component.key === 'string' && !CONTAINER_TYPES.has(String(component.type))) {
      const path = [...prefix, ...component.key.split('.')].join('.');
      if (isVariablePath(path)) for (const list of lists) addRule(rules, path, list);
    }
    if (Array.isArray(component.components)) {
      const childPrefix = typeof component.path === 'string' && component.path !== '' ? [...prefix, ...component.path.split('.')] : prefix;
      const groupPath = childPrefix.join('.');
      // A group or list with a path and its own rule hides the whole object it binds.
      if (childPrefix !== prefix && isVariablePath(groupPath)) for (const list of own) addRule(rules, groupPath, list);
      collectFormRules(component.components, childPrefix, lists, rules);
    }
  }
}

interface RuleNode {
  allowed?: readonly string[];
  children: Map<string, RuleNode>;
}

function ruleTree(rules: VisibilityRules): RuleNode {
  const root: RuleNode = { children: new Map() };
  for (const [path, organisations] of Object.entries(rules)) {
    let node = root;
    for (const segment of path.split('.')) {
      let child = node.children.get(segment);
      if (!child) node.children.set(segment, (child = { children: new Map() }));
      node = child;
    }
    node.allowed = organisations;
  }
  return root;
}

function prune(value: unknown, node: RuleNode, organisation: string | null): void {
  if (Array.isArray(value)) {
    // A rule inside a list (dynamic list fields) applies to every item.
    for (const item of value) prune(item, node, organisation);
    return;
  }
  if (!isObject(value)) return;
  for (const [key, child] of node.children) {
    if (!Object.hasOwn(value, key)) continue;
    if (child.allowed && (organisation === null || !child.allowed.includes(organisation))) {
      delete value[key];
    } else if (child.children.size > 0) {
      prune(value[key], child, organisation);
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
