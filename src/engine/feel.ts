/**
 * The only place where FEEL is evaluated on the server (DESIGN.md §4).
 *
 * - A string value starting with `=` is FEEL (Camunda 8 convention); anything else is a
 *   literal.
 * - `now()` and `today()` use `env.now` (the injectable clock), never the system time;
 *   `now()` is a date-time in Europe/Amsterdam, `today()` the date there.
 * - Dutch working-day functions are available everywhere: `add working days(date, days)`,
 *   `working days between(from, to)`, `is working day(date)`, `next working day(date)`.
 *   They take FEEL dates / date-times or ISO strings and return a value of the same kind.
 *   The names `now`, `today` and these four are reserved: a process variable with such a
 *   name is not visible to FEEL.
 * - Results are plain JSON values: dates 'YYYY-MM-DD', date-times ISO UTC strings
 *   (a zone-less FEEL date-time is read as Europe/Amsterdam wall-clock time), times and
 *   durations their ISO strings, contexts objects, lists arrays. Functions and ranges are
 *   not values and raise a FeelError.
 *
 * Parsing. Expressions are parsed without looking at the variables (as deploy-time
 * validation must), which makes the parse cacheable per expression string. Each expression
 * is compiled once into a FEEL function whose parameters are the names it references
 * (`function(amount, kind) (<expression>)`); an evaluation then only binds the variables
 * and runs the prebuilt interpreter tree instead of parsing again (~100x cheaper).
 * feelin parses names containing operators (`e-mail`) or keywords only when it knows them
 * from the context; when the variables have such names (top level, or nested inside the
 * referenced variables when the expression uses paths or filters) the evaluation falls back
 * to feelin's context-aware `evaluate`, which is slower but gives feelin's full semantics.
 */
import {
  evaluate,
  parseExpression,
  date as feelDate,
  toFeel,
  FeelDate,
  FeelDateTime,
  FeelDuration,
  FeelFunction,
  FeelRange,
  FeelTime,
  SyntaxError as FeelinSyntaxError,
  type Warning,
} from 'feelin';
import {
  CALENDAR_TIME_ZONE,
  MAX_WORKING_DAYS,
  amsterdamDateTime,
  dutchWorkingDays,
  fromAmsterdamDateTime,
  type DateLike,
  type WorkingDayCalendar,
} from './working-days.js';

// ---------------------------------------------------------------------------------------
// Public API

export interface FeelEnv {
  /** The injectable clock's current time; `now()` and `today()` in FEEL use it. */
  now: Date;
  /** Working-day calendar for the working-day functions; default: Dutch national holidays. */
  calendar?: WorkingDayCalendar;
}

export type FeelErrorKind =
  /** the expression does not parse */
  | 'syntax'
  /** it parses and evaluates, but the result is not what is needed (e.g. not a boolean) */
  | 'type'
  /** evaluating it failed */
  | 'evaluation';

export class FeelError extends Error {
  override readonly name = 'FeelError';
  constructor(
    message: string,
    /** the expression as given (with its `=` when it had one) */
    readonly expression: string,
    readonly kind: FeelErrorKind = 'evaluation',
    /** offsets into `expression`, for syntax errors */
    readonly position?: { from: number; to: number },
  ) {
    super(message);
  }
}

/** A FEEL expression by Camunda 8 convention: a string starting with `=` (leading whitespace allowed). */
export function isFeel(value: unknown): value is string {
  return typeof value === 'string' && /^\s*=/.test(value);
}

/**
 * Evaluates a FEEL expression (with or without leading `=`) and returns a plain JSON value.
 * A missing variable is null (FEEL semantics). Throws FeelError on syntax errors, on
 * failures during evaluation and when the result is a function or range.
 */
export function evaluateExpression(
  expression: string,
  variables: Record<string, unknown>,
  env: FeelEnv,
): unknown {
  const { value } = evaluateRaw(expression, variables, env);
  return toPlain(value, expression);
}

/**
 * Evaluates a condition; the result must be a boolean. Anything else — null included, so
 * a missing variable never silently picks a branch — throws FeelError (kind 'type') that
 * says what was found and why (e.g. "variable 'amount' not found").
 */
export function evaluateCondition(
  expression: string,
  variables: Record<string, unknown>,
  env: FeelEnv,
): boolean {
  const { value, warnings } = evaluateRaw(expression, variables, env);
  if (typeof value === 'boolean') return value;
  const why = warnings.length > 0 ? ` (${warnings.map((w) => w.message).join('; ')})` : '';
  throw new FeelError(
    `Expected a boolean but got ${describeValue(value)} from FEEL condition ${quote(expression)}${why}`,
    expression,
    'type',
  );
}

/** FEEL when the value starts with `=`, else the literal string. */
export function resolveValue(value: string, variables: Record<string, unknown>, env: FeelEnv): unknown {
  return isFeel(value) ? evaluateExpression(value, variables, env) : value;
}

/**
 * null when the expression (with or without `=`) parses — with the working-day function
 * names known — and can be built; otherwise a message with the position.
 */
export function feelSyntaxError(expression: string): string | null {
  try {
    compile(expression);
    return null;
  } catch (err) {
    return err instanceof FeelError ? err.message : String(err);
  }
}

/** Empties the compiled-expression cache (for benchmarks and tests). */
export function clearFeelCache(): void {
  cache.clear();
}

// ---------------------------------------------------------------------------------------
// Built-in functions of this engine. Plain functions with `$args` (how feelin names
// parameters); they see the current evaluation's env through `activeEnv`.

let activeEnv: FeelEnv | null = null;

function currentEnv(): FeelEnv {
  if (!activeEnv) throw new Error('FEEL function called outside an evaluation');
  return activeEnv;
}

function calendar(): WorkingDayCalendar {
  return currentEnv().calendar ?? dutchWorkingDays;
}

type FeelTemporalDate = FeelDate | FeelDateTime;

function feelFn<T extends (...args: any[]) => unknown>(args: string[], impl: T): T {
  return Object.assign(impl, { $args: args });
}

/** FEEL date / date-time, or an ISO string of one, or null. */
function toTemporal(v: unknown): FeelTemporalDate | null {
  if (v instanceof FeelDate || v instanceof FeelDateTime) return v;
  if (typeof v === 'string') {
    try {
      const t = feelDate(v.trim());
      return t instanceof FeelDate || t instanceof FeelDateTime ? t : null;
    } catch {
      return null;
    }
  }
  return null;
}

function epochMsOf(t: FeelDateTime): number {
  if (t.zone === null) return fromAmsterdamDateTime(t.iso).getTime();
  return t.value.toZonedDateTime(t.zone).epochMilliseconds;
}

/** What the calendar gets: a plain date, an instant, or a zone-less wall-clock (= Amsterdam). */
function calendarInput(t: FeelTemporalDate): DateLike {
  if (t instanceof FeelDate) return t.iso;
  if (t.zone === null) return t.iso;
  return new Date(epochMsOf(t));
}

function workingDayCount(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= MAX_WORKING_DAYS ? v : null;
}

/** Shift a FEEL date / date-time by n working days, returning the same kind (and zone). */
function shiftTemporal(t: FeelTemporalDate, n: number): FeelTemporalDate | null {
  const cal = calendar();
  if (t instanceof FeelDate) {
    return feelDate(cal.addWorkingDays(t.iso, n)) as FeelDate | null;
  }
  if (t.zone === null) {
    // wall-clock without zone: move the date, keep the time of day
    const day = cal.addWorkingDays(t.iso.slice(0, 10), n);
    return feelDate(day + t.iso.slice(10)) as FeelDateTime | null;
  }
  const zdt = t.value.toZonedDateTime(t.zone);
  const resultMs = Date.parse(cal.addWorkingDays(new Date(zdt.epochMilliseconds), n));
  return toFeel(zdt.add({ milliseconds: resultMs - zdt.epochMilliseconds })) as FeelDateTime;
}

function guarded<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

/** `now()` / `today()` for the last clock reading: one command evaluates many expressions. */
let lastNow: { ms: number; now: FeelDateTime; today: FeelDate } | null = null;

function clockValues(): { now: FeelDateTime; today: FeelDate } {
  const instant = currentEnv().now;
  const ms = instant.getTime();
  if (lastNow?.ms !== ms) {
    if (Number.isNaN(ms)) throw new Error('env.now is an invalid Date');
    const local = amsterdamDateTime(instant);
    let now = feelDate(`${local}@${CALENDAR_TIME_ZONE}`) as FeelDateTime;
    if (epochMsOf(now) !== ms) {
      // The repeated hour when summer time ends: a FEEL date-time is wall-clock + zone,
      // which reads as the first of the two instants. Use the fixed offset instead.
      const offsetMin = Math.round((Date.parse(`${local}Z`) - ms) / 60_000);
      const abs = Math.abs(offsetMin);
      const sign = offsetMin < 0 ? '-' : '+';
      const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
      now = feelDate(`${local}${offset}`) as FeelDateTime;
    }
    lastNow = { ms, now, today: feelDate(local.slice(0, 10)) as FeelDate };
  }
  return lastNow;
}

const FUNCTIONS: Record<string, unknown> = {
  now: feelFn([], () => clockValues().now),
  today: feelFn([], () => clockValues().today),
  'add working days': feelFn(['date', 'days'], (d: unknown, days: unknown) => {
    const t = toTemporal(d);
    const n = workingDayCount(days);
    return t === null || n === null ? null : guarded(() => shiftTemporal(t, n));
  }),
  'next working day': feelFn(['date'], (d: unknown) => {
    const t = toTemporal(d);
    return t === null ? null : guarded(() => shiftTemporal(t, 1));
  }),
  'is working day': feelFn(['date'], (d: unknown) => {
    const t = toTemporal(d);
    return t === null ? null : guarded(() => calendar().isWorkingDay(calendarInput(t)));
  }),
  'working days between': feelFn(['from', 'to'], (from: unknown, to: unknown) => {
    const a = toTemporal(from);
    const b = toTemporal(to);
    return a === null || b === null
      ? null
      : guarded(() => calendar().workingDaysBetween(calendarInput(a), calendarInput(b)));
  }),
};
const RESERVED = new Set(Object.keys(FUNCTIONS));

// ---------------------------------------------------------------------------------------
// Compilation and cache

type ParseTree = ReturnType<typeof parseExpression>;
type TreeCursorRef = Parameters<NonNullable<Parameters<ParseTree['iterate']>[0]['enter']>>[0];
type Node = TreeCursorRef['node'];

interface Compiled {
  /** the prebuilt function, or null: use feelin's evaluate (names it cannot bind) */
  fn: FeelFunction | null;
  body: string;
  params: string[];
  /** paths or filters: nested keys with special characters need the context-aware parse */
  scanNested: boolean;
  /** feelin's warnings array of the definition; invocations append to it */
  warnings: Warning[];
}

const CACHE_LIMIT = 1000;
const cache = new Map<string, Compiled | FeelError>();

function cacheGet(expression: string): Compiled | FeelError | undefined {
  const hit = cache.get(expression);
  if (hit !== undefined) {
    // refresh: Map keeps insertion order, the first key is the least recently used
    cache.delete(expression);
    cache.set(expression, hit);
  }
  return hit;
}

function cacheSet(expression: string, entry: Compiled | FeelError): void {
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(expression, entry);
}

/** The FEEL body and its offset in the given string (after an optional leading `=`). */
function splitBody(expression: string): { body: string; offset: number } {
  const m = /^\s*=/.exec(expression);
  return m ? { body: expression.slice(m[0].length), offset: m[0].length } : { body: expression, offset: 0 };
}

function compile(expression: string): Compiled {
  const hit = cacheGet(expression);
  if (hit !== undefined) {
    if (hit instanceof FeelError) throw new FeelError(hit.message, hit.expression, hit.kind, hit.position);
    return hit;
  }
  try {
    const compiled = compileUncached(expression);
    cacheSet(expression, compiled);
    return compiled;
  } catch (err) {
    const error =
      err instanceof FeelError
        ? err
        : new FeelError(`FEEL expression ${quote(expression)} cannot be built: ${messageOf(err)}`, expression, 'evaluation');
    cacheSet(expression, error);
    throw error;
  }
}

function compileUncached(expression: string): Compiled {
  const { body, offset } = splitBody(expression);
  if (body.trim() === '') {
    throw new FeelError(`FEEL syntax error: empty expression ${quote(expression)}`, expression, 'syntax', {
      from: offset,
      to: expression.length,
    });
  }
  const tree = parseExpression(body, FUNCTIONS, undefined);
  const problem = findSyntaxError(tree, body);
  if (problem) {
    const from = problem.from + offset;
    throw new FeelError(
      `FEEL syntax error at position ${from} in ${quote(expression)}: ${problem.message}`,
      expression,
      'syntax',
      { from, to: problem.to + offset },
    );
  }

  const names = new Set<string>();
  let scanNested = false;
  tree.iterate({
    enter(ref) {
      if (ref.name === 'VariableName') {
        const name = body.slice(ref.from, ref.to).trim().replace(/\s+/g, ' ');
        if (!RESERVED.has(name)) names.add(name);
      } else if (ref.name === 'PathExpression' || ref.name === 'FilterExpression') {
        scanNested = true;
      }
    },
  });
  const params = [...names];

  let fn: FeelFunction | null = null;
  let warnings: Warning[] = [];
  if (params.every((p) => isPlainName(p))) {
    // newlines: a trailing `// comment` in the body cannot swallow the closing parenthesis
    const source = `function(${params.join(', ')}) (\n${body}\n)`;
    let result: { value: unknown; warnings: Warning[] } | null = null;
    try {
      result = evaluate(source, FUNCTIONS);
    } catch (err) {
      // the body alone parsed; an error here is a build-time failure of the body
      // (e.g. a constant date literal feelin cannot handle), unless it is about the wrapper
      if (!(err instanceof FeelinSyntaxError)) throw err;
    }
    if (
      result &&
      result.value instanceof FeelFunction &&
      result.value.parameterNames.length === params.length &&
      result.value.parameterNames.every((p, i) => p === params[i])
    ) {
      fn = result.value;
      warnings = result.warnings;
    }
  }
  return { fn, body, params, scanNested, warnings };
}

interface SyntaxProblem {
  message: string;
  from: number;
  to: number;
}

/** The first error node of a parse tree, described (after feelin's own lint messages). */
function findSyntaxError(tree: ParseTree, body: string): SyntaxProblem | null {
  let problem: SyntaxProblem | null = null;
  tree.iterate({
    enter(ref) {
      if (problem) return false;
      if (!ref.type.isError) return undefined;
      const node = ref.node;
      const parent = node.parent;
      const within = parent && parent.name !== 'Expression' ? ` in ${humanName(parent.name)}` : '';
      if (node.from !== node.to) {
        problem = { message: `unexpected ${snippet(body, node.from, node.to)}${within}`, from: node.from, to: node.to };
      } else {
        const next = nextNode(node);
        if (next) {
          problem = { message: `unexpected ${snippet(body, next.from, next.to)}${within}`, from: next.from, to: next.to };
        } else {
          const unfinished = parent ? parent.enterUnfinishedNodesBefore(ref.to) : null;
          const what = humanName((unfinished ?? parent)?.name ?? 'expression');
          problem = { message: `incomplete ${what}: the expression ends too early`, from: node.from, to: node.to };
        }
      }
      return false;
    },
  });
  return problem;
}

function nextNode(node: Node): Node | null {
  let current: Node | null = node;
  while (current) {
    const next: Node | null = current.nextSibling;
    if (next) return next;
    current = current.parent;
  }
  return null;
}

function humanName(nodeName: string): string {
  return nodeName.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function snippet(body: string, from: number, to: number): string {
  const text = body.slice(from, to);
  return JSON.stringify(text.length > 30 ? `${text.slice(0, 30)}…` : text);
}

// ---------------------------------------------------------------------------------------
// Names: which variable names the context-free parse reads the same way feelin's
// context-aware parse does.

const KEYWORDS = new Set([
  'and', 'or', 'not', 'if', 'then', 'else', 'for', 'in', 'return', 'some', 'every', 'satisfies',
  'instance', 'of', 'function', 'external', 'between', 'null', 'true', 'false',
]);
const PLAIN_NAME = /^[\p{L}_][\p{L}\p{N}_]*(?: [\p{L}_][\p{L}\p{N}_]*)*$/u;
const plainNames = new Map<string, boolean>();

function isPlainName(name: string): boolean {
  let plain = plainNames.get(name);
  if (plain === undefined) {
    plain = PLAIN_NAME.test(name) && name.split(' ').every((w) => !KEYWORDS.has(w));
    if (plainNames.size >= 10_000) plainNames.clear();
    plainNames.set(name, plain);
  }
  return plain;
}

// ---------------------------------------------------------------------------------------
// Evaluation

interface RawResult {
  value: unknown;
  warnings: Warning[];
}

const EMPTY_WARNINGS: Warning[] = [];
const hasOwn = Object.prototype.hasOwnProperty;

function evaluateRaw(expression: string, variables: Record<string, unknown>, env: FeelEnv): RawResult {
  if (typeof expression !== 'string') {
    throw new FeelError(`A FEEL expression must be a string, got ${typeof expression}`, String(expression), 'syntax');
  }
  const vars: Record<string, unknown> = variables ?? {};
  for (const key in vars) {
    if (hasOwn.call(vars, key) && !isPlainName(key)) return evaluateWithContext(expression, vars, env);
  }
  const compiled = compile(expression);
  if (!compiled.fn) return evaluateWithContext(expression, vars, env);

  const { params, fn, warnings } = compiled;
  const args = new Array<unknown>(params.length);
  specialKeyFound = false;
  for (let i = 0; i < params.length; i++) {
    const name = params[i];
    args[i] = hasOwn.call(vars, name) ? coerce(vars[name], compiled.scanNested) : undefined;
  }
  if (specialKeyFound) return evaluateWithContext(expression, vars, env);

  const previous = activeEnv;
  activeEnv = env;
  try {
    const value = fn.invoke(args);
    return { value, warnings: warnings.length > 0 ? warnings.slice() : EMPTY_WARNINGS };
  } catch (err) {
    throw evaluationError(expression, err);
  } finally {
    activeEnv = previous;
    warnings.length = 0;
  }
}

/** feelin's own evaluate with all variables in the context: parses per call (slow path). */
function evaluateWithContext(expression: string, vars: Record<string, unknown>, env: FeelEnv): RawResult {
  const { body, offset } = splitBody(expression);
  if (body.trim() === '') compile(expression); // throws the cached 'empty expression' error
  const previous = activeEnv;
  activeEnv = env;
  try {
    return evaluate(body, { ...vars, ...FUNCTIONS });
  } catch (err) {
    if (err instanceof FeelinSyntaxError) {
      const from = err.position.from + offset;
      throw new FeelError(
        `FEEL syntax error at position ${from} in ${quote(expression)}: ${err.message}`,
        expression,
        'syntax',
        { from, to: err.position.to + offset },
      );
    }
    throw evaluationError(expression, err);
  } finally {
    activeEnv = previous;
  }
}

function evaluationError(expression: string, err: unknown): FeelError {
  return new FeelError(`FEEL expression ${quote(expression)} failed: ${messageOf(err)}`, expression, 'evaluation');
}

/** Set by `coerce` when it meets a nested key that the context-free parse may misread. */
let specialKeyFound = false;

/**
 * Variables as FEEL sees them: JS Dates become FEEL date-times (copying only what changes).
 * With `scanKeys`, also notes nested keys that are not plain names.
 */
function coerce(v: unknown, scanKeys: boolean): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return toFeel(v);
  if (Array.isArray(v)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const c = coerce(v[i], scanKeys);
      if (c !== v[i]) {
        out ??= v.slice();
        out[i] = c;
      }
    }
    return out ?? v;
  }
  if (Object.getPrototypeOf(v) === Object.prototype) {
    const obj = v as Record<string, unknown>;
    let out: Record<string, unknown> | null = null;
    for (const key in obj) {
      if (!hasOwn.call(obj, key)) continue;
      if (scanKeys && !isPlainName(key)) specialKeyFound = true;
      const c = coerce(obj[key], scanKeys);
      if (c !== obj[key]) {
        out ??= { ...obj };
        out[key] = c;
      }
    }
    return out ?? v;
  }
  return toFeel(v);
}

// ---------------------------------------------------------------------------------------
// Results

function toPlain(v: unknown, expression: string): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'boolean':
    case 'string':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'function':
      throw notAValue(expression, 'a function');
    case 'object':
      break;
    default:
      throw notAValue(expression, `a ${typeof v}`);
  }
  if (Array.isArray(v)) return v.map((item) => toPlain(item, expression));
  if (v instanceof FeelDate) return v.iso;
  if (v instanceof FeelDateTime) return new Date(epochMsOf(v)).toISOString();
  if (v instanceof FeelTime) return v.iso;
  if (v instanceof FeelDuration) return v.iso;
  if (v instanceof FeelFunction) throw notAValue(expression, 'a function');
  if (v instanceof FeelRange) throw notAValue(expression, 'a range');
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(v)) out[key] = toPlain(value, expression);
    return out;
  }
  throw notAValue(expression, `a ${(v as object).constructor?.name ?? 'non-plain object'}`);
}

function notAValue(expression: string, what: string): FeelError {
  return new FeelError(
    `FEEL expression ${quote(expression)} gives ${what}, which is not a value that can be stored`,
    expression,
    'type',
  );
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return `number ${v}`;
  if (typeof v === 'function' || v instanceof FeelFunction) return 'a function';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (v instanceof FeelDate) return `date ${v.iso}`;
  if (v instanceof FeelDateTime) return `date and time ${v.iso}`;
  if (v instanceof FeelTime) return `time ${v.iso}`;
  if (v instanceof FeelDuration) return `duration ${v.iso}`;
  if (v instanceof FeelRange) return 'a range';
  return 'a context';
}

function quote(expression: string): string {
  return JSON.stringify(expression.length > 80 ? `${expression.slice(0, 80)}…` : expression);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
