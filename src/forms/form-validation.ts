/**
 * Server-side validation of a user task's submitted form data, with the rules form-js 1.23
 * applies in the browser (packages/form-js-viewer/src/core/Validator.js, Form#submit,
 * ConditionChecker). form-js has no validator of its own for servers, so we build a zod
 * schema from the form: strict objects for the data scopes (root, groups with a `path`,
 * dotted keys, dynamic list items), one leaf schema per input field.
 *
 * Forms that need nothing but the submission (no FEEL, no context lookups, no clock) get
 * their schema built once and cached per form object; the others are built per call,
 * because hidden fields, FEEL-valued limits and option lists depend on the data.
 */
import { evaluate, unaryTest } from 'feelin';
import { z } from 'zod';
import { InvalidError, type ErrorDetail } from '../errors.js';
import {
  INPUT_COMPONENT_TYPES,
  OPTION_COMPONENT_TYPES,
  isPlainObject,
  type FormComponent,
  type FormDefinition,
} from './form-schema.js';

/** form-js' email rule (the WHATWG "valid e-mail address" pattern). */
export const EMAIL_PATTERN =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
/** form-js' phone rule: an international number, `+` or `00`, a country code, digits; unanchored at the start as in form-js. */
export const PHONE_PATTERN =
  /(\+|00)(297|93|244|1264|358|355|376|971|54|374|1684|1268|61|43|994|257|32|229|226|880|359|973|1242|387|590|375|501|1441|591|55|1246|673|975|267|236|1|61|41|56|86|225|237|243|242|682|57|269|238|506|53|5999|61|1345|357|420|49|253|1767|45|1809|1829|1849|213|593|20|291|212|34|372|251|358|679|500|33|298|691|241|44|995|44|233|350|224|590|220|245|240|30|1473|299|502|594|1671|592|852|504|385|509|36|62|44|91|246|353|98|964|354|972|39|1876|44|962|81|76|77|254|996|855|686|1869|82|383|965|856|961|231|218|1758|423|94|266|370|352|371|853|590|212|377|373|261|960|52|692|389|223|356|95|382|976|1670|258|222|1664|596|230|265|60|262|264|687|227|672|234|505|683|31|47|977|674|64|968|92|507|64|51|63|680|675|48|1787|1939|850|351|595|970|689|974|262|40|7|250|966|249|221|65|500|4779|677|232|503|378|252|508|381|211|239|597|421|386|46|268|1721|248|963|1649|235|228|66|992|690|993|670|676|1868|216|90|688|886|255|256|380|598|1|998|3906698|379|1784|58|1284|1340|84|678|681|685|967|27|260|263)(9[976]\d|8[987530]\d|6[987]\d|5[90]\d|42\d|3[875]\d|2[98654321]\d|9[8543210]|8[6421]|6[6543210]|5[87654321]|4[987654310]|3[9643210]|2[70]|7|1)\d{4,20}$/;

export interface ValidateSubmissionOptions {
  /** The moment "today" is taken from for `disallowPassedDates`; defaults to now. */
  now?: Date;
}

/** Details listed in one error at most. */
const MAX_DETAILS = 100;
/** Options named in a "must be one of" message at most. */
const MAX_OPTIONS_LISTED = 20;

/**
 * Validates submitted form data against a parsed form and returns the clean data: the
 * submitted values of the fields that accept input, expression fields computed on the
 * server, and nothing else.
 *
 * @param context the task's variables: FEEL conditions see them merged with the submission
 *   (as form-js sees its input data merged with the user's edits); `valuesKey` option lists
 *   and read-only fields' current values are read from them.
 * @throws InvalidError('form_invalid') with one detail `{path, rule, message}` per problem,
 *   covering every failing field.
 */
export function validateSubmission(
  form: FormDefinition,
  data: unknown,
  context: Record<string, unknown>,
  options: ValidateSubmissionOptions = {},
): Record<string, unknown> {
  const plan = planFor(form);
  let schema: z.ZodType;
  if (plan.usesContext) {
    const variables = isPlainObject(context) ? context : {};
    const merged = mergeData(variables, isPlainObject(data) ? data : {}, 0);
    const env: Env = { context: variables, now: options.now ?? new Date() };
    schema = objectSchema(plan.root, new Scope(env, merged, null, [], variables), false);
  } else {
    plan.staticSchema ??= objectSchema(plan.root, null, false);
    schema = plan.staticSchema;
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new InvalidError('form_invalid', `The submitted data does not satisfy form "${form.id}"`, toDetails(result.error.issues));
  }
  return result.data as Record<string, unknown>;
}

// --- the plan: the form's data shape, compiled once per form ------------------------------

interface ObjectNode {
  readonly kind: 'object';
  readonly children: Map<string, PlanNode>;
}
interface FieldNode {
  readonly kind: 'field';
  readonly component: FormComponent;
  /** `conditional.hide` of the field and its groups, evaluated in the field's scope. */
  readonly hides: readonly string[];
}
interface ListNode {
  readonly kind: 'list';
  readonly component: FormComponent;
  readonly hides: readonly string[];
  readonly item: ObjectNode;
}
type PlanNode = ObjectNode | FieldNode | ListNode;

interface Plan {
  readonly root: ObjectNode;
  /** Needs FEEL, the task's variables or the clock: the schema is built per submission. */
  readonly usesContext: boolean;
  staticSchema?: z.ZodType;
}

const plans = new WeakMap<FormDefinition, Plan>();

function planFor(form: FormDefinition): Plan {
  let plan = plans.get(form);
  if (plan === undefined) {
    plan = compilePlan(form);
    plans.set(form, plan);
  }
  return plan;
}

function compilePlan(form: FormDefinition): Plan {
  const root: ObjectNode = { kind: 'object', children: new Map() };
  let usesContext = false;

  const descend = (node: ObjectNode, segments: readonly string[], binding: string): ObjectNode => {
    let current = node;
    for (const segment of segments) {
      const next = current.children.get(segment);
      if (next === undefined) {
        const created: ObjectNode = { kind: 'object', children: new Map() };
        current.children.set(segment, created);
        current = created;
      } else if (next.kind === 'object') {
        current = next;
      } else {
        throw bindingConflict(form, binding);
      }
    }
    return current;
  };

  const place = (node: ObjectNode, binding: string, leaf: FieldNode | ListNode): void => {
    const segments = binding.split('.');
    const parent = descend(node, segments.slice(0, -1), binding);
    const last = segments[segments.length - 1];
    if (parent.children.has(last)) throw bindingConflict(form, binding);
    parent.children.set(last, leaf);
  };

  const insert = (components: readonly FormComponent[], target: ObjectNode, hides: readonly string[]): void => {
    for (const component of components) {
      const hide = component.conditional?.hide;
      const ownHides = isFeel(hide) ? [...hides, hide] : hides;
      if (ownHides.length > 0) usesContext = true;
      if (INPUT_COMPONENT_TYPES.has(component.type) && typeof component.key === 'string') {
        if (needsContext(component)) usesContext = true;
        place(target, component.key, { kind: 'field', component, hides: ownHides });
      } else if (component.type === 'group') {
        const inner = component.path ? descend(target, component.path.split('.'), component.path) : target;
        insert(component.components ?? [], inner, ownHides);
      } else if (component.type === 'dynamiclist' && component.path) {
        const list: ListNode = { kind: 'list', component, hides: ownHides, item: { kind: 'object', children: new Map() } };
        place(target, component.path, list);
        insert(component.components ?? [], list.item, []);
      }
    }
  };

  insert(form.components, root, []);
  return { root, usesContext };
}

function needsContext(component: FormComponent): boolean {
  const validate = component.validate ?? {};
  return (
    component.type === 'expression' ||
    (component.readonly !== undefined && component.readonly !== false) ||
    (OPTION_COMPONENT_TYPES.has(component.type) && component.values === undefined) ||
    component.disallowPassedDates === true ||
    [validate.min, validate.max, validate.minLength, validate.maxLength].some(isFeel)
  );
}

function bindingConflict(form: FormDefinition, binding: string): InvalidError {
  return new InvalidError('form_schema_invalid', `Form "${form.id}" binds "${binding}" twice; parse it with parseFormSchema first`, [
    { path: binding, message: 'is bound by more than one component' },
  ]);
}

// --- evaluation scope ----------------------------------------------------------------------

interface Env {
  readonly context: Record<string, unknown>;
  readonly now: Date;
}

/**
 * Where a component is evaluated: form-js' expression context (`this`, `parent`, `i` and the
 * whole form data) plus the task variables at the same place, for read-only fields.
 */
class Scope {
  private feelContext: Record<string, unknown> | undefined;

  constructor(
    readonly env: Env,
    private readonly data: Record<string, unknown>,
    private readonly self: unknown,
    private readonly indexes: readonly number[],
    readonly initial: unknown,
    private readonly parent: unknown = null,
    private readonly shared?: Scope,
  ) {}

  /** The same expression context, one object level deeper in the data. */
  at(segment: string): Scope {
    return new Scope(this.env, this.data, this.self, this.indexes, own(this.initial, segment), this.parent, this.shared ?? this);
  }

  /** The scope of one dynamic list item. */
  item(item: unknown, index: number, initial: unknown): Scope {
    return new Scope(this.env, this.data, item, [...this.indexes, index + 1], initial, this.self ?? this.data);
  }

  /** form-js buildExpressionContext: special keys, the form data, the special keys again as `_key_`. */
  feel(): Record<string, unknown> {
    if (this.shared) return this.shared.feel();
    this.feelContext ??= {
      this: this.self ?? this.data,
      i: this.indexes,
      parent: this.parent,
      ...this.data,
      _this_: this.self ?? this.data,
      _i_: this.indexes,
      _parent_: this.parent,
    };
    return this.feelContext;
  }

  /** form-js ConditionChecker: hidden when a `conditional.hide` unary test is exactly true; errors count as visible. */
  hidden(hides: readonly string[]): boolean {
    return hides.some((hide) => {
      try {
        return unaryTest(hide.slice(1), this.feel()).value === true;
      } catch {
        return false;
      }
    });
  }

  /** form-js FeelExpressionLanguage.evaluate: null when the expression fails. */
  evaluate(expression: string): unknown {
    try {
      const { value } = evaluate(expression.slice(1), this.feel());
      return value === undefined ? null : value;
    } catch {
      return null;
    }
  }

  /** A number, or a FEEL value evaluated to a number; anything else counts as "not set". */
  number(value: unknown): number | undefined {
    const resolved = isFeel(value) ? this.evaluate(value) : value;
    return typeof resolved === 'number' && Number.isFinite(resolved) ? resolved : undefined;
  }
}

// --- schema building -------------------------------------------------------------------------

type Add = (rule: string, message: string) => void;

function objectSchema(node: ObjectNode, scope: Scope | null, absentAsEmpty: boolean): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [segment, child] of node.children) {
    shape[segment] =
      child.kind === 'object'
        ? objectSchema(child, scope ? scope.at(segment) : null, true)
        : child.kind === 'field'
          ? fieldSchema(child, scope, segment)
          : listSchema(child, scope, segment);
  }
  const keys = Object.keys(shape);
  const strict = z
    .unknown()
    // every field's schema runs, absent or not: absent keys become present-but-undefined,
    // so required fields are reported and zod does not treat absence on its own terms
    .transform((value) => (isPlainObject(value) ? withKeys(value, keys) : value))
    .pipe(z.strictObject(shape, { error: (issue) => (issue.code === 'invalid_type' ? 'must be an object' : undefined) }))
    .transform(withoutUndefined);
  if (!absentAsEmpty) return strict;
  // a group with a path, or a dotted key: an absent object is validated as {} (so required
  // fields inside are reported) and left out of the result
  return z
    .unknown()
    .transform((value): unknown => (value === undefined ? {} : value))
    .pipe(strict)
    .transform((value) => (Object.keys(value).length === 0 ? undefined : value));
}

/** A copy of `value` that has every key of `keys`, undefined where it had none. */
function withKeys(value: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of keys) copy[key] = undefined;
  for (const [key, entry] of Object.entries(value)) Object.defineProperty(copy, key, { value: entry, enumerable: true, writable: true, configurable: true });
  return copy;
}

function listSchema(node: ListNode, scope: Scope | null, segment: string): z.ZodType {
  if (node.component.disabled === true) return absent('disabled', 'is disabled and must not be submitted');
  if (scope === null) {
    return z.unknown().pipe(z.array(objectSchema(node.item, null, false), { error: 'must be a list' }).optional());
  }
  if (scope.hidden(node.hides)) return absent('hidden', 'is hidden and must not be submitted');
  const initialItems = own(scope.initial, segment);
  return z
    .unknown()
    .pipe(z.array(z.unknown(), { error: 'must be a list' }).optional())
    .transform((items, ctx) => {
      if (items === undefined) return undefined;
      return items.map((item, index) => {
        const itemScope = scope.item(item, index, Array.isArray(initialItems) ? initialItems[index] : undefined);
        const result = objectSchema(node.item, itemScope, false).safeParse(item);
        if (result.success) return result.data;
        for (const issue of result.error.issues) {
          ctx.addIssue({ ...issue, path: [index, ...issue.path] } as Parameters<typeof ctx.addIssue>[0]);
        }
        return undefined;
      });
    });
}

function fieldSchema(node: FieldNode, scope: Scope | null, segment: string): z.ZodType {
  const { component } = node;
  // form-js never submits disabled fields, nor fields its conditions hide
  if (component.disabled === true) return absent('disabled', 'is disabled and must not be submitted');
  if (scope !== null && scope.hidden(node.hides)) return absent('hidden', 'is hidden and must not be submitted');

  if (component.type === 'expression') {
    // computed by the form, so computed here: the submitted value is not trusted
    const expression = component.expression;
    return z.unknown().transform(() => (scope !== null && isFeel(expression) ? scope.evaluate(expression) : null));
  }

  if (scope !== null && isReadonly(component, scope)) return readonlySchema(component, own(scope.initial, segment));

  switch (component.type) {
    case 'textfield':
    case 'textarea':
      return textSchema(component, scope);
    case 'number':
      return numberSchema(component, scope);
    case 'checkbox':
      return leaf(z.boolean({ error: 'must be true or false' }), (value, add) => {
        if (component.validate?.required && value !== true) add('required', 'is required');
      });
    case 'radio':
    case 'select':
      return singleChoiceSchema(component, scope);
    case 'checklist':
    case 'taglist':
      return multipleChoiceSchema(component, scope);
    case 'datetime':
      return datetimeSchema(component, scope);
    case 'filepicker':
      return leaf(z.string({ error: 'must be a file reference' }), (value, add) => {
        if (component.validate?.required && isUnset(value)) add('required', 'is required');
      });
    default:
      return absent('unknown', 'is not a field of this form');
  }
}

/** A leaf field: a zod type check (null and absent pass), then form-js' rules on the value. */
function leaf<T>(base: z.ZodType<T>, check: (value: T | null | undefined, add: Add) => void): z.ZodType {
  return z
    .unknown()
    .pipe(base.nullable().optional())
    .superRefine((value, ctx) => check(value, (rule, message) => ctx.addIssue({ code: 'custom', message, params: { rule } })));
}

function absent(rule: string, message: string): z.ZodType {
  return z.unknown().superRefine((value, ctx) => {
    if (value !== undefined) ctx.addIssue({ code: 'custom', message, params: { rule } });
  });
}

function isReadonly(component: FormComponent, scope: Scope): boolean {
  const { readonly } = component;
  return readonly === true || (isFeel(readonly) && scope.evaluate(readonly) === true);
}

/**
 * form-js submits read-only fields with the value they were shown with; accept exactly that
 * (the task's current value, the default, or the field's empty value) and keep it out of the
 * result, so a read-only field can never change a variable.
 */
function readonlySchema(component: FormComponent, current: unknown): z.ZodType {
  const unchanged = [current, component.defaultValue, emptyValue(component.type), null].filter((value) => value !== undefined);
  return z
    .unknown()
    .superRefine((value, ctx) => {
      if (value !== undefined && !unchanged.some((allowed) => deepEqual(allowed, value))) {
        ctx.addIssue({ code: 'custom', message: 'is read-only and must not be changed', params: { rule: 'readonly' } });
      }
    })
    .transform(() => undefined);
}

function emptyValue(type: string): unknown {
  switch (type) {
    case 'textfield':
    case 'textarea':
      return '';
    case 'checkbox':
      return false;
    case 'checklist':
    case 'taglist':
      return [];
    default:
      return null;
  }
}

function textSchema(component: FormComponent, scope: Scope | null): z.ZodType {
  const validate = component.validate ?? {};
  const pattern = validate.pattern ? new RegExp(validate.pattern) : undefined;
  const minLength = scope ? scope.number(validate.minLength) : staticNumber(validate.minLength);
  const maxLength = scope ? scope.number(validate.maxLength) : staticNumber(validate.maxLength);
  return leaf(z.string({ error: 'must be text' }), (value, add) => {
    if (pattern && value && !pattern.test(value)) add('pattern', `must match the pattern ${validate.pattern}`);
    if (validate.required && isUnset(value)) add('required', 'is required');
    if (minLength !== undefined && value && value.trim().length < minLength) {
      add('minLength', `must be at least ${minLength} ${plural(minLength, 'character')}`);
    }
    if (maxLength !== undefined && value && value.trim().length > maxLength) {
      add('maxLength', `must be at most ${maxLength} ${plural(maxLength, 'character')}`);
    }
    if (validate.validationType === 'phone' && value && !PHONE_PATTERN.test(value)) {
      add('phone', 'must be a valid international phone number (e.g. +4930664040900)');
    }
    if (validate.validationType === 'email' && value && !EMAIL_PATTERN.test(value)) {
      add('email', 'must be a valid email address');
    }
  });
}

function numberSchema(component: FormComponent, scope: Scope | null): z.ZodType {
  const validate = component.validate ?? {};
  const min = scope ? scope.number(validate.min) : staticNumber(validate.min);
  const max = scope ? scope.number(validate.max) : staticNumber(validate.max);
  const { decimalDigits } = component;
  const increment = component.increment === undefined || component.increment === '' ? undefined : toDecimal(component.increment);
  const base: z.ZodType<number | string> = component.serializeToString
    ? z.string({ error: 'must be a number written as text' })
    : z.number({ error: 'must be a number' });
  return leaf(base, (value, add) => {
    if (value === undefined || value === null || value === '') {
      if (validate.required) add('required', 'is required');
      return;
    }
    const decimal = toDecimal(value);
    if (decimal === null) {
      add('type', 'must be a number');
      return;
    }
    if (decimal.digits !== 0n) {
      if (typeof decimalDigits === 'number' && decimal.scale > decimalDigits) {
        add(
          'decimalDigits',
          decimalDigits === 0 ? 'must be a whole number' : `must have at most ${decimalDigits} decimal ${plural(decimalDigits, 'digit')}`,
        );
      }
      if (increment && increment.digits !== 0n) {
        const offset = remainder(decimal, increment);
        if (offset.digits !== 0n) {
          const previous = decimalSubtract(decimal, offset);
          const next = decimalAdd(previous, increment);
          add('increment', `must be a multiple of ${formatDecimal(increment)} (nearest valid values: ${formatDecimal(previous)} and ${formatDecimal(next)})`);
        }
      }
    }
    const numeric = Number(value);
    if (min !== undefined && numeric < min) add('min', `must be at least ${min}`);
    if (max !== undefined && numeric > max) add('max', `must be at most ${max}`);
  });
}

function singleChoiceSchema(component: FormComponent, scope: Scope | null): z.ZodType {
  const options = optionsFor(component, scope);
  const required = component.validate?.required === true;
  return z.unknown().superRefine((value, ctx) => {
    const add: Add = (rule, message) => ctx.addIssue({ code: 'custom', message, params: { rule } });
    if (isUnset(value)) {
      if (required) add('required', 'is required');
      return;
    }
    if (options === null) {
      if (Array.isArray(value)) add('type', 'must be a single value');
    } else if (!options.some((option) => deepEqual(option, value))) {
      add('options', `must be one of: ${listOptions(options)}`);
    }
  });
}

function multipleChoiceSchema(component: FormComponent, scope: Scope | null): z.ZodType {
  const options = optionsFor(component, scope);
  return leaf(z.array(z.unknown(), { error: 'must be a list' }), (values, add) => {
    if (values === undefined || values === null || values.length === 0) {
      if (component.validate?.required) add('required', 'is required');
      return;
    }
    if (options !== null && values.some((value) => !options.some((option) => deepEqual(option, value)))) {
      add('options', `must only contain values from: ${listOptions(options)}`);
    }
  });
}

/**
 * The values a choice field accepts, taken as form-js takes them (values, then valuesKey, then
 * valuesExpression). null when they cannot be known: `valuesKey` naming a variable the task
 * does not have. Option lists are read from the task's variables only, never from the
 * submission, so a submitter cannot widen them.
 */
function optionsFor(component: FormComponent, scope: Scope | null): unknown[] | null {
  if (component.values !== undefined) return normalizeOptions(component.values) ?? [];
  if (scope === null) return null;
  if (component.valuesKey !== undefined) {
    const listed = own(scope.env.context, component.valuesKey);
    return Array.isArray(listed) ? normalizeOptions(listed) : null;
  }
  if (isFeel(component.valuesExpression)) return normalizeOptions(scope.evaluate(component.valuesExpression)) ?? [];
  return [];
}

/** form-js normalizeOptionsData: primitives stand for themselves; objects need a value (and a label when the value is not a primitive). */
function normalizeOptions(raw: unknown): unknown[] | null {
  if (!Array.isArray(raw)) return null;
  const values: unknown[] = [];
  for (const option of raw) {
    if (!isSomething(option)) continue;
    if (isReadable(option)) {
      values.push(option);
    } else if (isPlainObject(option)) {
      if (!option.label && isReadable(option.value) && isSomething(option.value)) values.push(option.value);
      else if (isSomething(option.value) && isReadable(option.label) && isSomething(option.label)) values.push(option.value);
    }
  }
  return values;
}

function datetimeSchema(component: FormComponent, scope: Scope | null): z.ZodType {
  const { subtype } = component;
  const format =
    subtype === 'date'
      ? { message: 'must be a date (YYYY-MM-DD)', valid: isIsoDate }
      : subtype === 'time'
        ? { message: 'must be a time (HH:mm, optionally followed by Z or ±hh:mm)', valid: isIsoTime }
        : { message: 'must be a date and time (YYYY-MM-DDTHH:mm, optionally followed by Z or ±hh:mm)', valid: isIsoDateTime };
  const earliest = scope !== null && component.disallowPassedDates === true && subtype !== 'time' ? earliestToday(scope.env.now) : undefined;
  return leaf(z.string({ error: format.message }), (value, add) => {
    if (isUnset(value)) {
      if (component.validate?.required) add('required', 'is required');
      return;
    }
    if (!format.valid(value as string)) {
      add('format', format.message);
      return;
    }
    if (earliest !== undefined && (value as string).slice(0, 10) < earliest) add('pastDate', 'must not be in the past');
  });
}

// --- dates and times -----------------------------------------------------------------------

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const OFFSET = '(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)';
const TIME = new RegExp(`^(?:[01]\\d|2[0-3]):[0-5]\\d${OFFSET}?$`);
const DATETIME = new RegExp(`^(\\d{4}-\\d{2}-\\d{2})T(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{1,3})?)?${OFFSET}?$`);

function isIsoDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}

function isIsoTime(value: string): boolean {
  return TIME.test(value);
}

function isIsoDateTime(value: string): boolean {
  const match = DATETIME.exec(value);
  return match !== null && isIsoDate(match[1]);
}

/**
 * The earliest calendar date that is "today" somewhere (UTC-12): the submitter's time zone is
 * unknown, so a date is "passed" only when it is over everywhere.
 */
function earliestToday(now: Date): string {
  return new Date(now.getTime() - 12 * 3_600_000).toISOString().slice(0, 10);
}

// --- exact decimals (form-js uses big.js) ----------------------------------------------------

interface Decimal {
  /** value = digits / 10^scale, with no trailing zeros in the fraction */
  readonly digits: bigint;
  readonly scale: number;
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

function toDecimal(value: unknown): Decimal | null {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    text = String(value);
  } else if (typeof value === 'string' && /^-?(\d+\.?\d*|\.\d+)$/.test(value)) {
    text = value;
  } else {
    return null;
  }
  const match = DECIMAL_TEXT.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return null;
  const fraction = match[3] ?? '';
  const exponent = Number(match[4] ?? '0');
  let digits = BigInt(`${match[2]}${fraction}` || '0');
  let scale = fraction.length - exponent;
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  if (match[1] === '-') digits = -digits;
  return normalize({ digits, scale });
}

function normalize(value: Decimal): Decimal {
  let { digits, scale } = value;
  while (scale > 0 && digits % 10n === 0n) {
    digits /= 10n;
    scale -= 1;
  }
  return { digits: digits === 0n ? 0n : digits, scale: digits === 0n ? 0 : scale };
}

function aligned(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.digits * 10n ** BigInt(scale - a.scale), b.digits * 10n ** BigInt(scale - b.scale), scale];
}

/** Remainder with the sign of the dividend, like big.js `mod`. */
function remainder(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = aligned(a, b);
  return normalize({ digits: x % y, scale });
}

function decimalSubtract(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = aligned(a, b);
  return normalize({ digits: x - y, scale });
}

function decimalAdd(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = aligned(a, b);
  return normalize({ digits: x + y, scale });
}

function formatDecimal({ digits, scale }: Decimal): string {
  const negative = digits < 0n;
  const text = (negative ? -digits : digits).toString().padStart(scale + 1, '0');
  const whole = text.slice(0, text.length - scale);
  const fraction = text.slice(text.length - scale);
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

// --- errors ------------------------------------------------------------------------------------

function toDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        details.push({ path: formatPath([...issue.path, key]), rule: 'unknown', message: 'is not a field of this form' });
      }
      continue;
    }
    const rule =
      issue.code === 'custom' && typeof issue.params?.rule === 'string'
        ? issue.params.rule
        : issue.code === 'invalid_type'
          ? 'type'
          : issue.code;
    const path = formatPath(issue.path);
    details.push(path === '' ? { rule, message: issue.message } : { path, rule, message: issue.message });
  }
  if (details.length <= MAX_DETAILS) return details;
  const shown = details.slice(0, MAX_DETAILS);
  shown.push({ rule: 'truncated', message: `and ${details.length - MAX_DETAILS} more problems` });
  return shown;
}

/** `adres.postcode`, `kinderen[0].naam`. */
function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

// --- small helpers ------------------------------------------------------------------------------

function isFeel(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('=');
}

function staticNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** form-js' "unset": null, undefined or the empty string. */
function isUnset(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function isSomething(value: unknown): boolean {
  return Boolean(value) || value === 0 || value === false;
}

function isReadable(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}

function listOptions(options: readonly unknown[]): string {
  if (options.length === 0) return '(no options available)';
  const shown = options.slice(0, MAX_OPTIONS_LISTED).map((option) => {
    const text = typeof option === 'string' ? option : JSON.stringify(option) ?? String(option);
    return text.length > 40 ? `${text.slice(0, 39)}…` : text;
  });
  return options.length > MAX_OPTIONS_LISTED ? `${shown.join(', ')}, …` : shown.join(', ');
}

function own(value: unknown, key: string): unknown {
  return isPlainObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  const clean: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) if (entry !== undefined) clean[key] = entry;
  return clean;
}

/** The task variables overlaid with the submission, objects merged, as form-js' data is. Depth-bounded. */
function mergeData(base: Record<string, unknown>, overlay: Record<string, unknown>, depth: number): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    if (key === '__proto__') continue;
    const current = merged[key];
    merged[key] =
      depth < 32 && isPlainObject(current) && isPlainObject(value) && Object.hasOwn(base, key)
        ? mergeData(current, value, depth + 1)
        : value;
  }
  return merged;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((entry, index) => deepEqual(entry, b[index]));
  }
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every((key) => Object.hasOwn(b, key) && deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
