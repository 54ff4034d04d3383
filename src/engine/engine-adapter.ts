/**
 * The engine adapter: the only module that runs bpmn-engine. One call runs one command
 * against one instance until the engine rests (waits, ends or fails) and reports what
 * the instance now waits for. It knows nothing about the store: state goes in and out as
 * JSON, and the runtime decides what to persist.
 *
 * Closed traps (see ENGINE-NOTES.md): no JavaScript from a diagram runs (conditions and
 * expressions are FEEL, scripts are refused); timers never use setTimeout; an engine
 * 'error' always has a listener; the BPMN source is stripped from the stored state and
 * the model is passed as a cached sourceContext; a failing step becomes an incident and
 * the instance stays where it was.
 */
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import type { Clock } from '../clock.js';
import type { Json, Variables } from '../store/port.js';
import type { CompiledDefinition } from './compile-definition.js';
import type { ElementModel, IoMapping } from './element-model.js';
import { evaluateCondition, evaluateExpression, FeelError, isFeel, resolveValue, type FeelEnv } from './feel.js';
import type { RunContext } from './run-context.js';
import { scheduleTimer, type TimerType } from './timer-schedule.js';
import type { WorkingDayCalendar } from './working-days.js';

// ------------------------------------------------------------------ public types

export type EngineCommand =
  | { type: 'start'; startEventId: string; variables?: Variables }
  | { type: 'complete-task'; executionId: string; variables: Variables }
  | { type: 'deliver-message'; executionId: string; variables: Variables }
  | { type: 'fire-timer'; executionId: string }
  /** Resume as stored: re-runs whatever was executing (a failed connector, a condition). */
  | { type: 'resume' }
  /** Token modification: start before elements and cancel active ones, in this order. */
  | { type: 'modify'; instructions: ModifyInstruction[] }
  /** Migration: a fresh engine of another version, started before these elements only. */
  | { type: 'start-before'; elementIds: string[] };

export type ModifyInstruction = { cancel: string } | { startBefore: string };

/** A modification or migration the model or the instance does not allow. */
export class ModificationError extends Error {
  constructor(
    readonly elementId: string,
    message: string,
  ) {
    super(message);
  }
}

/** The id the start selection uses to hold every start event (nothing starts by itself). */
export const HOLD_START_EVENTS = '__samenspel_hold__';

export interface WaitingUserTask {
  executionId: string;
  elementId: string;
  name: string;
  assignee: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  formId: string | null;
  dueAt: string | null;
  followUpAt: string | null;
  input: Variables;
}

export interface WaitingTimer {
  executionId: string;
  elementId: string;
  timerType: TimerType;
  dueAt: string;
  /** Repetitions left after this one; -1 = unbounded; null for one-shot timers. */
  repetitionsLeft: number | null;
}

export interface WaitingMessage {
  executionId: string;
  elementId: string;
  messageName: string;
  correlationKey: string | null;
}

export interface ThrownMessage {
  elementId: string;
  messageName: string;
  correlationKey: string | null;
  variables: Variables;
}

export interface RaisedIncident {
  elementId: string;
  message: string;
}

export interface ActiveElement {
  elementId: string;
  name: string;
  type: string;
}

export interface RunOutcome {
  status: 'waiting' | 'completed' | 'failed';
  /** Engine state without the BPMN source; null when completed. */
  engineState: Json | null;
  variables: Variables;
  /** Waits whose executionId was not in `known` are evaluated (assignment, due date...);
   * known ones are reported with `executionId` and `elementId` only meaningful. */
  userTasks: WaitingUserTask[];
  timers: WaitingTimer[];
  messages: WaitingMessage[];
  activeElements: ActiveElement[];
  incidents: RaisedIncident[];
  thrown: ThrownMessage[];
  /** Elements completed during this run, in order. */
  completedElements: string[];
  /** When status is 'failed': why, and where if known. */
  failure?: RaisedIncident;
  /** Keeps the engine in memory for the next command on this instance at `revision`. */
  retain(revision: number): void;
}

export interface RunInput {
  instanceId: string;
  /** The revision the state was read at; used to find a cached engine. */
  revision: number;
  definition: CompiledDefinition;
  engineState: Json | null;
  variables: Variables;
  command: EngineCommand;
  /** Execution ids of waits the runtime already knows (tasks, subscriptions). */
  known?: Set<string>;
}

export interface ConnectorRequest {
  instanceId: string;
  elementId: string;
  /** Stable for one execution of one task, for idempotent receivers. */
  idempotencyKey: string;
  type: string;
  headers: Record<string, string>;
  variables: Variables;
}

export type ConnectorInvoker = (request: ConnectorRequest) => Promise<Variables>;

export interface EngineAdapterOptions {
  clock: Clock;
  calendar?: WorkingDayCalendar;
  invokeConnector: ConnectorInvoker;
  /** How many idle engines to keep in memory (each ~0.6 MB). */
  cacheSize?: number;
}

export class UnknownWaitError extends Error {}

// ------------------------------------------------------------------ implementation

const silentLogger = () => ({ debug() {}, error() {}, warn() {} });

interface RegisteredTimer {
  elementId: string;
  executionId: string;
  timerType: TimerType;
  dueAt: string;
  repetitionsLeft: number | null;
  fire: () => void;
}

/** Per-engine state the engine's callbacks reach through closures. */
class InstanceRun implements RunContext {
  startEventId: string | null = null;
  variables: Variables = {};
  known = new Set<string>();
  incidents: RaisedIncident[] = [];
  thrown: ThrownMessage[] = [];
  completed: string[] = [];
  pending = new Set<Promise<void>>();
  timers = new Map<string, RegisteredTimer>();
  ended = false;
  failure: RaisedIncident | undefined;

  constructor(
    readonly instanceId: string,
    readonly definition: CompiledDefinition,
    private readonly options: EngineAdapterOptions,
  ) {}

  now(): Date {
    return this.options.clock.now();
  }

  feelEnv(): FeelEnv {
    return { now: this.now(), calendar: this.options.calendar };
  }

  element(id: string): ElementModel | undefined {
    return this.definition.model.elements.get(id);
  }

  reset(variables: Variables, known: Set<string>): void {
    this.variables = structuredClone(variables);
    this.known = known;
    this.incidents = [];
    this.thrown = [];
    this.completed = [];
    this.failure = undefined;
    this.startEventId = null;
  }

  incident(elementId: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (!this.incidents.some((i) => i.elementId === elementId && i.message === message)) {
      this.incidents.push({ elementId, message });
    }
  }

  scheduleTimer(elementId: string, repeatSoFar: number | null) {
    const timer = this.element(elementId)?.timer;
    if (!timer) throw new Error(`timer event ${elementId} has no timer definition`);
    const schedule = scheduleTimer(timer, this.variables, this.feelEnv(), repeatSoFar);
    return { timerType: timer.timerType, ...schedule };
  }

  invokeTask(elementId: string, executionId: string, done: (output: Variables) => void): void {
    const element = this.element(elementId);
    if (!element?.taskType) {
      // A send task that only throws a message: the message is collected when it ends.
      done({});
      return;
    }
    let input: Variables;
    try {
      input = mapInputs(element.inputs, this.variables, this.feelEnv());
    } catch (err) {
      this.incident(elementId, err);
      return;
    }
    const call = this.options
      .invokeConnector({
        instanceId: this.instanceId,
        elementId,
        idempotencyKey: `${this.instanceId}:${executionId}`,
        type: element.taskType,
        headers: element.headers,
        variables: input,
      })
      .then(
        (output) => {
          try {
            applyOutputs(element, output ?? {}, this.variables, this.feelEnv());
          } catch (err) {
            this.incident(elementId, err);
            return;
          }
          done(output ?? {});
        },
        (err) => this.incident(elementId, err),
      )
      .finally(() => this.pending.delete(call));
    this.pending.add(call);
  }

  /** bpmn-elements `timers` option: registrations are kept, nothing is scheduled. */
  timersApi() {
    const run = this;
    return {
      executing: [] as unknown[],
      register(owner: any) {
        return {
          setTimeout(callback: (...args: unknown[]) => void, _delay: number, ...args: unknown[]) {
            const ref: RegisteredTimer = {
              elementId: owner.id,
              executionId: owner.executionId,
              timerType: owner.timerType,
              dueAt: new Date(owner.expireAt).toISOString(),
              repetitionsLeft:
                owner.repeat === undefined || owner.repeat === null ? null : owner.repeat === -1 ? -1 : owner.repeat - 1,
              fire: () => {
                run.timers.delete(owner.executionId);
                callback(...args);
              },
            };
            run.timers.set(owner.executionId, ref);
            return ref;
          },
          clearTimeout(ref: RegisteredTimer | undefined) {
            if (ref) run.timers.delete(ref.executionId);
          },
        };
      },
      setTimeout() {
        throw new Error('unregistered timers are not supported');
      },
      clearTimeout(ref: RegisteredTimer | undefined) {
        if (ref?.executionId) run.timers.delete(ref.executionId);
      },
    };
  }

  /** bpmn-elements `scripts` option: FEEL conditions only; every script is refused. */
  scriptsApi() {
    const run = this;
    return {
      register() {},
      getScript(language: string | undefined, element: any) {
        const isFlow = element?.type === 'bpmn:SequenceFlow';
        const body: string | undefined = element?.behaviour?.conditionExpression?.body;
        const feelLanguage = !language || language.toLowerCase() === 'feel';
        if (!isFlow || !feelLanguage || typeof body !== 'string') {
          return {
            execute() {
              run.incident(element?.sourceId ?? element?.id ?? 'unknown', `${language ?? 'script'} is not run by Samenspel: use FEEL`);
            },
          };
        }
        return {
          execute(_scope: unknown, callback: (err: Error | null, result?: boolean) => void) {
            let result: boolean;
            try {
              result = evaluateCondition(body, run.variables, run.feelEnv());
            } catch (err) {
              // Leaving the callback uncalled keeps the gateway where it is; a retry
              // re-evaluates it.
              run.incident(element.sourceId ?? element.id, `condition of ${element.id}: ${(err as Error).message}`);
              return;
            }
            callback(null, result);
          },
        };
      },
    };
  }

  /** bpmn-elements `expressions` option: `=...` is FEEL, anything else a literal. */
  expressionsApi() {
    const run = this;
    return {
      resolveExpression(value: unknown) {
        if (!isFeel(value)) return value;
        return evaluateExpression(value, run.variables, run.feelEnv());
      },
      isExpression: (value: unknown) => isFeel(value),
      hasExpression: (value: unknown) => isFeel(value),
    };
  }

  onElementEnd(api: any): void {
    const element = this.element(api.id);
    if (!element) return;
    this.completed.push(element.id);
    if (element.messageRole === 'throw' && element.messageName) {
      try {
        const env = this.feelEnv();
        const variables = mapInputs(element.inputs, this.variables, env);
        const key = 'correlationKey' in variables ? variables.correlationKey : element.correlationKey ? resolveValue(element.correlationKey, this.variables, env) : null;
        delete variables.correlationKey;
        this.thrown.push({
          elementId: element.id,
          messageName: element.messageName,
          correlationKey: key === null || key === undefined ? null : String(key),
          variables,
        });
      } catch (err) {
        this.incident(element.id, err);
      }
    }
  }
}

function mapInputs(inputs: IoMapping[], variables: Variables, env: FeelEnv): Variables {
  const result: Variables = {};
  for (const { source, target } of inputs) {
    setPath(result, target, resolveValue(source, { ...variables, ...result }, env));
  }
  return result;
}

/** Camunda 8 semantics: without output mappings the result is merged into the process
 * variables; with them, only the mapped targets are set. */
function applyOutputs(element: ElementModel, output: Variables, variables: Variables, env: FeelEnv, mergeToo = false): void {
  if (mergeToo) Object.assign(variables, output);
  if (!element.outputs.length) {
    Object.assign(variables, output);
    return;
  }
  const scope = { ...variables, ...output };
  const updates: Variables = {};
  for (const { source, target } of element.outputs) setPath(updates, target, resolveValue(source, scope, env));
  Object.assign(variables, updates);
}

function setPath(target: Variables, path: string, value: unknown): void {
  const parts = path.split('.');
  let node: Record<string, unknown> = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (!next || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

function splitList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  if (value === null || value === undefined) return [];
  return String(value)
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function toIsoInstant(value: unknown, field: string): string {
  const text = String(value);
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T23:59:59Z`) : new Date(text);
  if (Number.isNaN(date.getTime())) throw new FeelError(`${field} "${text}" is not a date`, text);
  return date.toISOString();
}

interface CachedEngine {
  revision: number;
  engine: any;
  run: InstanceRun;
}

export interface EngineAdapter {
  run(input: RunInput): Promise<RunOutcome>;
  /** Drops a cached engine (the instance was changed elsewhere or cancelled). */
  forget(instanceId: string): void;
  readonly cachedEngines: number;
}

export function createEngineAdapter(options: EngineAdapterOptions): EngineAdapter {
  const cache = new Map<string, CachedEngine>();
  const cacheSize = options.cacheSize ?? 100;

  function newEngine(run: InstanceRun, definition: CompiledDefinition) {
    const listener = new EventEmitter();
    listener.on('activity.end', (api: any) => run.onElementEnd(api));
    const engine: any = new (Engine as any)({
      name: run.instanceId,
      sourceContext: definition.sourceContext,
      Logger: silentLogger,
      timers: run.timersApi(),
      scripts: run.scriptsApi(),
      expressions: run.expressionsApi(),
      samenspel: run,
      listener,
    });
    // Without a listener an engine error would crash the process.
    engine.on('error', (err: any) => {
      run.failure = { elementId: err?.source?.content?.id ?? err?.source?.id ?? definition.key, message: err?.message ?? String(err) };
    });
    engine.on('end', () => {
      run.ended = true;
    });
    return engine;
  }

  async function settle(run: InstanceRun): Promise<void> {
    // The engine runs synchronously (smqp); connector calls are the only asynchronous
    // work, and each may lead to the next. Yielding to the event loop when nothing is
    // pending would cost ~0.4 ms per command for nothing.
    while (run.pending.size) await Promise.allSettled([...run.pending]);
  }

  function postponed(engine: any): any[] {
    const execution = engine.execution;
    if (!execution) return [];
    // The engine lists the waits of the process level only: a sub-process is one wait.
    // Its own waits (user tasks, timers, messages inside it) are collected from it.
    const result: any[] = [];
    const seen = new Set<string>();
    const collect = (apis: any[]) => {
      for (const api of apis) {
        if (api.type === 'bpmn:SequenceFlow' || seen.has(api.executionId)) continue;
        seen.add(api.executionId);
        result.push(api);
        if (api.type === 'bpmn:SubProcess' && typeof api.getPostponed === 'function') collect(api.getPostponed() ?? []);
      }
    };
    collect(execution.getPostponed() as any[]);
    return result;
  }

  function runningProcess(engine: any): any {
    const definition = engine.execution?.definitions?.[0];
    const process = definition?.getRunningProcesses?.()[0];
    if (!process?.execution) throw new ModificationError('process', 'the case is not running');
    return process;
  }

  function startBefore(process: any, run: InstanceRun, elementId: string): void {
    const element = run.element(elementId);
    if (!element) throw new ModificationError(elementId, `"${elementId}" is not an element of this process`);
    if (element.parentId !== run.definition.key) {
      throw new ModificationError(elementId, `"${elementId}" is inside a sub-process: start before the sub-process instead`);
    }
    if (element.attachedTo) throw new ModificationError(elementId, `"${elementId}" is a boundary event: start before its task instead`);
    const activity = process.execution.getActivityById(elementId);
    if (!activity) throw new ModificationError(elementId, `"${elementId}" cannot be started`);
    if (activity.isRunning) throw new ModificationError(elementId, `"${elementId}" is already active`);
    activity.init();
    activity.run();
  }

  /** Runs a top-level start event that neither completes nor ends: a placeholder token. */
  function holdProcess(process: any, run: InstanceRun): string {
    const start = [...run.definition.model.elements.values()].find((el) => el.isStart && el.parentId === run.definition.key);
    if (!start) throw new ModificationError(run.definition.key, 'the process has no start event to hold it during a restart');
    run.startEventId = HOLD_START_EVENTS;
    const activity = process.execution.getActivityById(start.id);
    activity.init();
    activity.run();
    return start.id;
  }

  function findWait(engine: any, executionId: string): any {
    const api = postponed(engine).find((candidate) => candidate.executionId === executionId);
    if (!api) throw new UnknownWaitError(`nothing waits with execution ${executionId}`);
    return api;
  }

  async function apply(engine: any, run: InstanceRun, input: RunInput): Promise<void> {
    const command = input.command;
    switch (command.type) {
      case 'start': {
        run.startEventId = command.startEventId;
        Object.assign(run.variables, command.variables ?? {});
        // Output mappings of the start event set defaults (e.g. assumed terms) on top of
        // the variables the instance was started with.
        const startElement = run.element(command.startEventId);
        if (startElement?.outputs.length) applyOutputs(startElement, {}, run.variables, run.feelEnv(), true);
        await engine.execute();
        run.startEventId = null;
        const start = run.element(command.startEventId);
        if (start?.timer) {
          const timer = [...run.timers.values()].find((t) => t.elementId === command.startEventId);
          timer?.fire();
        } else if (start?.messageName) {
          const api = postponed(engine).find((candidate) => candidate.id === command.startEventId);
          api?.signal({ ...(command.variables ?? {}) });
        }
        return;
      }
      case 'start-before':
        break;
      default:
        // Every other command works on a running engine: a recovered one resumes first.
        if (!engine.execution || !engine.execution.isRunning) await engine.resume();
    }
    switch (command.type) {
      case 'resume':
        return;
      case 'complete-task':
      case 'deliver-message': {
        // A user task's or catch event's output mappings apply before the signal, so that
        // the gateway after it sees the new values.
        const api = findWait(engine, command.executionId);
        const element = run.element(api.id);
        if (element) applyOutputs(element, command.variables, run.variables, run.feelEnv());
        api.signal({ ...command.variables });
        return;
      }
      case 'modify': {
        const process = runningProcess(engine);
        const cancels = command.instructions.flatMap((i) => ('cancel' in i ? [i.cancel] : []));
        const starts = command.instructions.flatMap((i) => ('startBefore' in i ? [i.startBefore] : []));
        for (const elementId of cancels) {
          if (!postponed(engine).some((api) => api.id === elementId)) {
            throw new ModificationError(elementId, `"${elementId}" is not active in this case`);
          }
        }
        // Restarting an element (cancel and start before it) needs a token to keep the
        // process alive in between: a held start event, discarded at the end.
        const restarts = starts.filter((elementId) => cancels.includes(elementId));
        const hold = restarts.length ? holdProcess(process, run) : null;
        // Start first, then cancel: cancelling the last token first would end the process.
        for (const elementId of starts) if (!restarts.includes(elementId)) startBefore(process, run, elementId);
        for (const elementId of cancels) {
          for (const api of postponed(engine).filter((candidate) => candidate.id === elementId)) api.discard();
        }
        for (const elementId of restarts) startBefore(process, run, elementId);
        if (hold) {
          run.startEventId = null;
          for (const api of postponed(engine).filter((candidate) => candidate.id === hold)) api.discard();
        }
        return;
      }
      case 'start-before': {
        run.startEventId = HOLD_START_EVENTS;
        await engine.execute();
        run.startEventId = null;
        const process = runningProcess(engine);
        const held = postponed(engine).filter((api) => run.element(api.id)?.isStart);
        for (const elementId of command.elementIds) startBefore(process, run, elementId);
        for (const api of held) api.discard();
        return;
      }
      case 'fire-timer': {
        const timer = run.timers.get(command.executionId);
        if (!timer) throw new UnknownWaitError(`no timer with execution ${command.executionId}`);
        timer.fire();
        return;
      }
    }
  }

  function describeWaits(engine: any, run: InstanceRun) {
    const userTasks: WaitingUserTask[] = [];
    const messages: WaitingMessage[] = [];
    const activeElements: ActiveElement[] = [];
    const env = run.feelEnv();
    for (const api of postponed(engine)) {
      const element = run.element(api.id);
      activeElements.push({ elementId: api.id, name: element?.name ?? api.id, type: api.type });
      if (!element) continue;
      const isNew = !run.known.has(api.executionId);
      if (element.type === 'bpmn:UserTask') {
        if (!isNew) {
          userTasks.push(knownTask(api.executionId, element));
          continue;
        }
        try {
          userTasks.push(describeUserTask(api.executionId, element, run.variables, env));
        } catch (err) {
          run.incident(element.id, err);
        }
      } else if (element.messageName && (element.messageRole === 'catch' || element.messageRole === 'start')) {
        try {
          const key = !isNew || !element.correlationKey ? null : resolveValue(element.correlationKey, run.variables, env);
          messages.push({
            executionId: api.executionId,
            elementId: element.id,
            messageName: element.messageName,
            correlationKey: key === null || key === undefined ? null : String(key),
          });
        } catch (err) {
          run.incident(element.id, err);
        }
      }
    }
    const timers: WaitingTimer[] = [...run.timers.values()].map(({ fire: _fire, ...timer }) => timer);
    return { userTasks, messages, timers, activeElements };
  }

  return {
    get cachedEngines() {
      return cache.size;
    },
    forget(instanceId: string) {
      cache.delete(instanceId);
    },
    async run(input: RunInput): Promise<RunOutcome> {
      const cached = cache.get(input.instanceId);
      cache.delete(input.instanceId);
      let engine: any;
      let run: InstanceRun;
      if (cached && cached.revision === input.revision && cached.run.definition === input.definition) {
        ({ engine, run } = cached);
      } else {
        run = new InstanceRun(input.instanceId, input.definition, options);
        engine = newEngine(run, input.definition);
        if (input.engineState) engine.recover(structuredClone(input.engineState));
      }
      run.reset(input.variables, input.known ?? new Set());

      try {
        await apply(engine, run, input);
        await settle(run);
      } catch (err) {
        if (err instanceof UnknownWaitError || err instanceof ModificationError) {
          cache.delete(input.instanceId);
          throw err;
        }
        run.failure ??= { elementId: input.definition.key, message: (err as Error).message };
      }

      const retain = (revision: number) => {
        if (run.ended || run.failure) return;
        cache.set(input.instanceId, { revision, engine, run });
        while (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
      };

      if (run.failure) {
        return {
          status: 'failed',
          engineState: input.engineState,
          variables: input.variables,
          userTasks: [],
          timers: [],
          messages: [],
          activeElements: [],
          incidents: run.incidents,
          thrown: [],
          completedElements: [],
          failure: run.failure,
          retain,
        };
      }

      const waits = run.ended
        ? { userTasks: [], messages: [], timers: [], activeElements: [] }
        : describeWaits(engine, run);
      let engineState: Json | null = null;
      if (!run.ended) {
        const state: any = await engine.getState();
        for (const definition of state.definitions ?? []) delete definition.source;
        if (state.environment) state.environment.variables = {};
        // Not deep-copied (that costs ~0.1 ms per command): the store serialises it
        // within the same command, while the instance lock keeps the engine still.
        engineState = state as Json;
      }
      return {
        status: run.ended ? 'completed' : 'waiting',
        engineState,
        variables: run.variables,
        ...waits,
        incidents: run.incidents,
        thrown: run.thrown,
        completedElements: run.completed,
        retain,
      };
    },
  };
}

function knownTask(executionId: string, element: ElementModel): WaitingUserTask {
  return {
    executionId,
    elementId: element.id,
    name: element.name,
    assignee: null,
    candidateGroups: [],
    candidateUsers: [],
    formId: element.formId ?? null,
    dueAt: null,
    followUpAt: null,
    input: {},
  };
}

function describeUserTask(executionId: string, element: ElementModel, variables: Variables, env: FeelEnv): WaitingUserTask {
  const value = (raw: string | undefined) => (raw === undefined ? undefined : resolveValue(raw, variables, env));
  const assignee = value(element.assignee);
  const dueDate = value(element.dueDate);
  const followUpDate = value(element.followUpDate);
  return {
    executionId,
    elementId: element.id,
    name: element.name,
    assignee: assignee === undefined || assignee === null || assignee === '' ? null : String(assignee),
    candidateGroups: splitList(value(element.candidateGroups)),
    candidateUsers: splitList(value(element.candidateUsers)),
    formId: element.formId ?? null,
    dueAt: dueDate === undefined || dueDate === null ? null : toIsoInstant(dueDate, 'due date'),
    followUpAt: followUpDate === undefined || followUpDate === null ? null : toIsoInstant(followUpDate, 'follow-up date'),
    input: mapInputs(element.inputs, variables, env),
  };
}
