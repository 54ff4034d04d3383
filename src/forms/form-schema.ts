/**
 * Checks that an uploaded `.form` file is a form-js (1.23) schema the engine can use:
 * the shape form-js needs to render it, unique data bindings, bounded size, and FEEL that
 * parses. Everything found is reported at once, each problem naming its component.
 *
 * The result is a deep-frozen copy, so callers may cache things per form object
 * (form-validation.ts caches its zod schema that way).
 */
import { parseExpression, parseUnaryTests } from 'feelin';
import { InvalidError, type ErrorDetail } from '../errors.js';

/** Component types of form-js 1.23 (viewer) that a form may use. */
export const FORM_COMPONENT_TYPES = [
  'textfield', 'textarea', 'number', 'checkbox', 'checklist', 'radio', 'select', 'taglist',
  'datetime', 'expression', 'filepicker',
  'text', 'html', 'image', 'spacer', 'separator', 'iframe', 'table', 'button', 'documentPreview',
  'group', 'dynamiclist',
] as const;
export type FormComponentType = (typeof FORM_COMPONENT_TYPES)[number];

/** Types whose value is bound to `key` in the form data (form-js `keyed`). */
export const INPUT_COMPONENT_TYPES: ReadonlySet<string> = new Set([
  'textfield', 'textarea', 'number', 'checkbox', 'checklist', 'radio', 'select', 'taglist',
  'datetime', 'expression', 'filepicker',
]);
/** Types that take their options from `values`, `valuesKey` or `valuesExpression`. */
export const OPTION_COMPONENT_TYPES: ReadonlySet<string> = new Set(['checklist', 'radio', 'select', 'taglist']);
const CONTAINER_TYPES: ReadonlySet<string> = new Set(['group', 'dynamiclist']);
const KNOWN_TYPES: ReadonlySet<string> = new Set(FORM_COMPONENT_TYPES);

export const MAX_FORM_DEPTH = 20;
export const MAX_FORM_COMPONENTS = 2000;
/** Nesting of JSON values anywhere in the file (components take two levels each). */
const MAX_JSON_DEPTH = 100;
/** Problems listed in one error at most; a broken upload should not produce a megabyte of details. */
const MAX_PROBLEMS = 100;

/**
 * Properties form-js evaluates as FEEL when their value starts with `=`
 * (form-js getSchemaVariables' EXPRESSION_PROPERTIES).
 */
const FEEL_PROPERTIES = [
  'alt', 'appearance.prefixAdorner', 'appearance.suffixAdorner', 'conditional.hide', 'description',
  'label', 'source', 'readonly', 'text', 'validate.min', 'validate.max', 'validate.minLength',
  'validate.maxLength', 'valuesExpression', 'url', 'dataSource', 'columnsExpression', 'expression',
  'multiple', 'accept', 'title',
] as const;

export interface FormValidate {
  readonly required?: boolean;
  /** A number, or FEEL (`=...`) evaluated when validating. */
  readonly min?: number | string;
  readonly max?: number | string;
  readonly minLength?: number | string;
  readonly maxLength?: number | string;
  /** A JavaScript regular expression, tested unanchored as form-js does. */
  readonly pattern?: string;
  readonly validationType?: '' | 'email' | 'phone';
}

export interface FormOption {
  readonly label?: string;
  readonly value: unknown;
}

export interface FormComponent {
  readonly type: FormComponentType;
  readonly id?: string;
  readonly key?: string;
  readonly path?: string;
  readonly label?: string;
  readonly validate?: FormValidate;
  readonly values?: readonly FormOption[];
  readonly valuesKey?: string;
  readonly valuesExpression?: string;
  readonly disabled?: boolean;
  /** `true`, or FEEL evaluated against the form data. */
  readonly readonly?: boolean | string;
  readonly conditional?: { readonly hide?: string };
  readonly decimalDigits?: number;
  readonly increment?: number | string;
  readonly serializeToString?: boolean;
  readonly subtype?: 'date' | 'time' | 'datetime';
  readonly disallowPassedDates?: boolean;
  readonly timeSerializingFormat?: 'utc_offset' | 'utc_normalized' | 'no_timezone';
  readonly expression?: string;
  readonly defaultValue?: unknown;
  readonly components?: readonly FormComponent[];
  readonly [property: string]: unknown;
}

export interface FormDefinition {
  readonly id: string;
  readonly type: 'default';
  readonly components: readonly FormComponent[];
  readonly [property: string]: unknown;
}

export type FeelKind = 'expression' | 'unaryTest';

export interface ParseFormOptions {
  /**
   * Syntax check for a FEEL value, given without its leading `=`; answers a short problem
   * or null. `kind` is 'unaryTest' for `conditional.hide` (form-js runs it as a unary test).
   * Defaults to {@link checkFeelSyntax}.
   */
  checkFeel?: (expression: string, kind: FeelKind) => string | null;
}

/** The default FEEL syntax check: feelin's parser, reporting the first syntax error. */
export function checkFeelSyntax(expression: string, kind: FeelKind = 'expression'): string | null {
  if (expression.trim() === '') return 'is empty';
  try {
    const tree = kind === 'unaryTest' ? parseUnaryTests(expression, {}, undefined) : parseExpression(expression, {}, undefined);
    let errorAt = -1;
    tree.iterate({
      enter(node) {
        if (errorAt === -1 && node.type.isError) errorAt = node.from;
        return errorAt === -1;
      },
    });
    return errorAt === -1 ? null : `syntax error at position ${errorAt + 1}`;
  } catch (error) {
    return `does not parse (${error instanceof Error ? error.message : String(error)})`;
  }
}

/** An input field of a form, as variable mapping needs to know it. */
export interface FormFieldKey {
  /** The component's `key` as written in the form. */
  readonly key: string;
  /** Binding path from the data root: the paths of enclosing groups/dynamic lists, then the key (dots split). */
  readonly path: readonly string[];
  /** The process variable the field writes into: the first path segment. */
  readonly variable: string;
  readonly type: FormComponentType;
  readonly id?: string;
  /** The dynamic list's binding path when the field repeats per list item (the path then runs through each item). */
  readonly list?: readonly string[];
}

/** Lists the input fields of a parsed form, in document order. */
export function formFieldKeys(form: FormDefinition): FormFieldKey[] {
  const keys: FormFieldKey[] = [];
  const walk = (components: readonly FormComponent[], prefix: readonly string[], list: readonly string[] | undefined) => {
    for (const component of components) {
      if (INPUT_COMPONENT_TYPES.has(component.type) && typeof component.key === 'string') {
        const path = [...prefix, ...component.key.split('.')];
        keys.push({
          key: component.key,
          path,
          variable: path[0],
          type: component.type,
          ...(component.id === undefined ? {} : { id: component.id }),
          ...(list === undefined ? {} : { list }),
        });
      } else if (component.type === 'group') {
        walk(component.components ?? [], component.path ? [...prefix, ...component.path.split('.')] : prefix, list);
      } else if (component.type === 'dynamiclist' && component.path) {
        const listPath = [...prefix, ...component.path.split('.')];
        walk(component.components ?? [], listPath, listPath);
      }
    }
  };
  walk(form.components, [], undefined);
  return keys;
}

/**
 * Checks an uploaded form and returns it as a deep-frozen FormDefinition.
 * Throws InvalidError('form_schema_invalid') listing every problem found.
 */
export function parseFormSchema(json: unknown, options: ParseFormOptions = {}): FormDefinition {
  const checker = new SchemaChecker(options.checkFeel ?? checkFeelSyntax);
  checker.checkForm(json);
  if (checker.problems.length > 0) {
    const formId = isPlainObject(json) && typeof json.id === 'string' ? ` "${json.id}"` : '';
    throw new InvalidError('form_schema_invalid', `The form${formId} is not a usable form-js schema`, checker.problems);
  }
  return deepFreeze(structuredClone(json)) as FormDefinition;
}

// --- checking --------------------------------------------------------------------------

class TooManyComponents extends Error {}

interface PathNode {
  children: Map<string, PathNode> | null; // null: closed (a field's value lives here)
  claimedBy: string;
  repeaterId?: number; // set when a dynamic list owns this node
}

class SchemaChecker {
  readonly problems: ErrorDetail[] = [];
  private count = 0;
  private nextUid = 0;
  private readonly ids = new Set<string>();
  private readonly paths: PathNode = { children: new Map(), claimedBy: '' };

  constructor(private readonly checkFeel: (expression: string, kind: FeelKind) => string | null) {}

  checkForm(json: unknown): void {
    if (!isPlainObject(json)) {
      this.problems.push({ message: 'A form must be a JSON object' });
      return;
    }
    if (jsonDepthExceeds(json, MAX_JSON_DEPTH)) {
      this.problems.push({ rule: 'size', message: `The form nests JSON values deeper than ${MAX_JSON_DEPTH} levels` });
      return;
    }
    if (typeof json.id !== 'string' || json.id.trim() === '') {
      this.problems.push({ path: 'id', message: 'The form needs an "id" (a non-empty string)' });
    }
    if (json.type !== 'default') {
      this.problems.push({ path: 'type', message: 'The form\'s "type" must be "default"' });
    }
    if (!Array.isArray(json.components)) {
      this.problems.push({ path: 'components', message: 'The form needs a "components" array' });
      return;
    }
    try {
      this.checkComponents(json.components, 'components', 1, []);
    } catch (error) {
      if (!(error instanceof TooManyComponents)) throw error;
      this.problems.push({
        path: 'components',
        rule: 'size',
        message: `The form has more than ${MAX_FORM_COMPONENTS} components`,
      });
    }
  }

  private problem(path: string, component: Record<string, unknown> | undefined, rule: string, message: string): void {
    if (this.problems.length >= MAX_PROBLEMS) return;
    const id = component && typeof component.id === 'string' ? component.id : undefined;
    this.problems.push({
      path,
      ...(id === undefined ? {} : { elementId: id }),
      rule,
      message: `${describe(component, path)}: ${message}`,
    });
  }

  /**
   * @param scopes the uids of the dynamic lists enclosing these components (innermost last)
   */
  private checkComponents(components: unknown[], path: string, depth: number, scopes: number[], prefix: string[] = []): void {
    components.forEach((component, index) => {
      this.count += 1;
      if (this.count > MAX_FORM_COMPONENTS) throw new TooManyComponents();
      this.checkComponent(component, `${path}[${index}]`, depth, scopes, prefix);
    });
  }

  private checkComponent(component: unknown, path: string, depth: number, scopes: number[], prefix: string[]): void {
    if (!isPlainObject(component)) {
      this.problem(path, undefined, 'shape', 'must be an object');
      return;
    }
    const report = (rule: string, message: string) => this.problem(path, component, rule, message);
    const { type } = component;
    if (typeof type !== 'string' || !KNOWN_TYPES.has(type)) {
      report('type', typeof type === 'string' ? `unknown component type "${type}"` : 'needs a "type"');
      return;
    }

    if (component.id !== undefined) {
      if (typeof component.id !== 'string' || component.id === '') report('id', '"id" must be a non-empty string');
      else if (this.ids.has(component.id)) report('id', `the id "${component.id}" is used by another component`);
      else this.ids.add(component.id);
    }

    this.checkCommon(component, report);
    this.checkFeelProperties(component, report);

    if (INPUT_COMPONENT_TYPES.has(type)) {
      this.checkInput(component, type, report);
      const key = component.key;
      if (typeof key === 'string' && validBindingPath(key) === null) {
        this.claim([...prefix, ...key.split('.')], { closed: true, scopes, what: `the key "${key}"`, owner: owner(component, path) }, report);
      }
    }

    if (component.components !== undefined && !CONTAINER_TYPES.has(type)) {
      report('components', 'only groups and dynamic lists may contain components');
    }

    if (type === 'group' || type === 'dynamiclist') {
      let childPrefix = prefix;
      let childScopes = scopes;
      const bindingPath = component.path;
      if (type === 'dynamiclist' && (typeof bindingPath !== 'string' || bindingPath === '')) {
        report('path', 'a dynamic list needs a "path" for its items');
      } else if (bindingPath !== undefined && bindingPath !== '') {
        const problem = typeof bindingPath === 'string' ? validBindingPath(bindingPath) : 'must be a string';
        if (problem !== null) {
          report('path', `"path" ${problem}`);
        } else {
          childPrefix = [...prefix, ...(bindingPath as string).split('.')];
          if (type === 'dynamiclist') {
            const uid = this.nextUid++;
            this.claim(childPrefix, { closed: false, repeater: uid, scopes, what: `the path "${bindingPath}"`, owner: owner(component, path) }, report);
            childScopes = [...scopes, uid];
          } else {
            this.claim(childPrefix, { closed: false, scopes, what: `the path "${bindingPath}"`, owner: owner(component, path) }, report);
          }
        }
      }
      const children = component.components ?? [];
      if (!Array.isArray(children)) {
        report('components', '"components" must be an array');
      } else if (depth >= MAX_FORM_DEPTH && children.length > 0) {
        report('depth', `nests components deeper than ${MAX_FORM_DEPTH} levels`);
      } else {
        this.checkComponents(children, `${path}.components`, depth + 1, childScopes, childPrefix);
      }
    }
  }

  private checkCommon(component: Record<string, unknown>, report: (rule: string, message: string) => void): void {
    if (component.disabled !== undefined && typeof component.disabled !== 'boolean') {
      report('disabled', '"disabled" must be true or false');
    }
    const ro = component.readonly;
    if (ro !== undefined && typeof ro !== 'boolean' && !isFeel(ro)) {
      report('readonly', '"readonly" must be true, false or a FEEL expression (starting with "=")');
    }
    const conditional = component.conditional;
    if (conditional !== undefined) {
      if (!isPlainObject(conditional)) report('conditional', '"conditional" must be an object');
      else if (conditional.hide !== undefined && !isFeel(conditional.hide)) {
        report('conditional', '"conditional.hide" must be a FEEL expression (starting with "=")');
      }
    }
  }

  private checkFeelProperties(component: Record<string, unknown>, report: (rule: string, message: string) => void): void {
    for (const property of FEEL_PROPERTIES) {
      const value = getPath(component, property.split('.'));
      if (!isFeel(value)) continue;
      const problem = this.checkFeel(value.slice(1), property === 'conditional.hide' ? 'unaryTest' : 'expression');
      if (problem !== null) report('feel', `"${property}" is not valid FEEL: ${problem}`);
    }
  }

  private checkInput(component: Record<string, unknown>, type: string, report: (rule: string, message: string) => void): void {
    const key = component.key;
    if (typeof key !== 'string' || key === '') {
      report('key', 'an input field needs a "key"');
    } else {
      const problem = validBindingPath(key);
      if (problem !== null) report('key', `the key ${problem}`);
    }

    const validate = component.validate;
    if (validate !== undefined) {
      if (!isPlainObject(validate)) report('validate', '"validate" must be an object');
      else this.checkValidate(validate, report);
    }

    if (OPTION_COMPONENT_TYPES.has(type)) this.checkOptions(component, report);

    switch (type) {
      case 'number': {
        const { decimalDigits, increment, serializeToString } = component;
        if (decimalDigits !== undefined && !isNonNegativeInteger(decimalDigits)) {
          report('decimalDigits', '"decimalDigits" must be a whole number of 0 or more');
        }
        if (increment !== undefined && increment !== '' && !(isDecimal(increment) && Number(increment) > 0)) {
          report('increment', '"increment" must be a number greater than 0');
        }
        if (serializeToString !== undefined && typeof serializeToString !== 'boolean') {
          report('serializeToString', '"serializeToString" must be true or false');
        }
        break;
      }
      case 'datetime': {
        const { subtype, timeSerializingFormat, disallowPassedDates } = component;
        if (subtype !== 'date' && subtype !== 'time' && subtype !== 'datetime') {
          report('subtype', '"subtype" must be "date", "time" or "datetime"');
        }
        if (timeSerializingFormat !== undefined && !['utc_offset', 'utc_normalized', 'no_timezone'].includes(timeSerializingFormat as string)) {
          report('timeSerializingFormat', '"timeSerializingFormat" must be "utc_offset", "utc_normalized" or "no_timezone"');
        }
        if (disallowPassedDates !== undefined && typeof disallowPassedDates !== 'boolean') {
          report('disallowPassedDates', '"disallowPassedDates" must be true or false');
        }
        break;
      }
      case 'expression':
        if (!isFeel(component.expression)) report('expression', 'an expression field needs an "expression" (FEEL starting with "=")');
        break;
      default:
        break;
    }
  }

  private checkValidate(validate: Record<string, unknown>, report: (rule: string, message: string) => void): void {
    if (validate.required !== undefined && typeof validate.required !== 'boolean') {
      report('validate', '"validate.required" must be true or false');
    }
    for (const property of ['min', 'max'] as const) {
      const value = validate[property];
      if (value !== undefined && !isFeel(value) && !(typeof value === 'number' && Number.isFinite(value))) {
        report('validate', `"validate.${property}" must be a number or FEEL`);
      }
    }
    for (const property of ['minLength', 'maxLength'] as const) {
      const value = validate[property];
      if (value !== undefined && !isFeel(value) && !isNonNegativeInteger(value)) {
        report('validate', `"validate.${property}" must be a whole number of 0 or more, or FEEL`);
      }
    }
    const pattern = validate.pattern;
    if (pattern !== undefined && pattern !== '') {
      if (typeof pattern !== 'string') {
        report('validate', '"validate.pattern" must be a string');
      } else {
        try {
          new RegExp(pattern);
        } catch {
          report('validate', `"validate.pattern" is not a valid regular expression: ${pattern}`);
        }
      }
    }
    const validationType = validate.validationType;
    if (validationType !== undefined && !['', 'email', 'phone'].includes(validationType as string)) {
      report('validate', '"validate.validationType" must be "email" or "phone"');
    }
  }

  private checkOptions(component: Record<string, unknown>, report: (rule: string, message: string) => void): void {
    const { values, valuesKey, valuesExpression } = component;
    // form-js takes the first source present: values, then valuesKey, then valuesExpression
    if (values !== undefined) {
      if (!Array.isArray(values)) {
        report('values', '"values" must be an array of { label, value }');
        return;
      }
      values.forEach((option, index) => {
        if (!isPlainObject(option) || !isOptionValue(option.value)) {
          report('values', `option ${index + 1} needs a "value" (text, number or true/false)`);
        } else if (option.label !== undefined && typeof option.label !== 'string') {
          report('values', `option ${index + 1} has a "label" that is not text`);
        }
      });
    } else if (valuesKey !== undefined) {
      if (typeof valuesKey !== 'string' || valuesKey === '') report('values', '"valuesKey" must be a non-empty string');
    } else if (valuesExpression !== undefined) {
      if (!isFeel(valuesExpression)) report('values', '"valuesExpression" must be FEEL (starting with "=")');
    } else {
      report('values', 'needs options: "values", "valuesKey" or "valuesExpression"');
    }
  }

  /**
   * Claims a binding path as form-js' PathRegistry does: a field closes its path; groups and
   * dynamic lists leave theirs open; nothing may pass through a closed path, and only
   * components inside a dynamic list may claim paths through it.
   */
  private claim(
    segments: string[],
    how: { closed: boolean; repeater?: number; scopes: number[]; what: string; owner: string },
    report: (rule: string, message: string) => void,
  ): void {
    let node = this.paths;
    let existed = true;
    for (const segment of segments) {
      const children = node.children;
      if (children === null) {
        report('path', `${how.what} binds "${segments.join('.')}" inside the value of ${node.claimedBy}`);
        return;
      }
      if (node.repeaterId !== undefined && !how.scopes.includes(node.repeaterId)) {
        report('path', `${how.what} binds "${segments.join('.')}" inside the items of ${node.claimedBy} but is not part of that list`);
        return;
      }
      let next = children.get(segment);
      if (next === undefined) {
        existed = false;
        next = { children: new Map(), claimedBy: how.owner };
        children.set(segment, next);
      }
      node = next;
    }
    if (existed && (how.closed || how.repeater !== undefined || node.children === null || node.repeaterId !== undefined)) {
      report('path', `${how.what} binds "${segments.join('.')}", which ${node.claimedBy} already uses`);
      return;
    }
    if (how.closed) node.children = null;
    if (how.repeater !== undefined) node.repeaterId = how.repeater;
  }
}

// --- helpers ---------------------------------------------------------------------------

const PROHIBITED_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

/** form-js' rules for `key` and `path`: a variable or dot-separated path, no numeric or prohibited segments. */
function validBindingPath(value: string): string | null {
  if (!/^\w+(\.\w+)*$/.test(value)) return `"${value}" must be a variable name or a dot-separated path`;
  const segments = value.split('.');
  if (segments.some((segment) => /^\d+$/.test(segment))) return `"${value}" must not contain numeric path segments`;
  if (segments.some((segment) => PROHIBITED_SEGMENTS.has(segment))) return `"${value}" uses a prohibited name`;
  return null;
}

/** A component as named in conflicts: its description plus its id when it has one. */
function owner(component: Record<string, unknown>, path: string): string {
  const id = typeof component.id === 'string' && component.id !== '' ? component.id : undefined;
  const described = describe(component, path);
  return id !== undefined && !described.includes(`"${id}"`) ? `${described} (${id})` : described;
}

function describe(component: Record<string, unknown> | undefined, path: string): string {
  if (component === undefined) return `Component ${path}`;
  const type = typeof component.type === 'string' ? component.type : 'component';
  const name =
    (typeof component.key === 'string' && component.key !== '' && component.key) ||
    (typeof component.path === 'string' && component.path !== '' && component.path) ||
    (typeof component.id === 'string' && component.id !== '' && component.id) ||
    path;
  return `${type} "${name}"`;
}

function isFeel(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('=');
}

function isOptionValue(value: unknown): boolean {
  return (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean';
}

function isNonNegativeInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isDecimal(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && /^-?(\d+\.?\d*|\.\d+)$/.test(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function getPath(value: unknown, segments: string[]): unknown {
  let current = value;
  for (const segment of segments) {
    if (!isPlainObject(current) || !Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

/** Iterative, so a hostile file cannot exhaust the stack before we look at it. */
function jsonDepthExceeds(root: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return false;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
  }
  return value;
}
