import { InvalidError } from '../../errors.js';
import type { InstanceRecord, Variables } from '../../store/port.js';
import { newInstanceCurrent, step, type StepResult } from '../instance-step.js';
import type { RuntimeContext } from '../runtime-context.js';

export interface StartInstanceInput {
  definitionKey: string;
  version?: number;
  businessKey?: string | null;
  variables?: Variables;
  /** Defaults to the process's none start event. */
  startEventId?: string;
}

export interface StartOptions {
  actor: string;
  /** A fixed id, so that a redelivered hand-over cannot start a second instance. */
  instanceId?: string;
  consumesOutbox?: string;
  /** Extra data on the 'started' history event (message name, timer). */
  startedBy?: Record<string, unknown>;
}

/** Starts an instance of the latest (or a named) version at one start event. */
export async function startInstance(ctx: RuntimeContext, input: StartInstanceInput, options: StartOptions): Promise<StepResult> {
  const record = await ctx.definitions.version(input.definitionKey, input.version);
  const compiled = await ctx.definitions.compile(record.key, record.version);
  const startEvents = [...compiled.model.elements.values()].filter((el) => el.isStart && el.parentId === compiled.key);
  const startEventId = input.startEventId ?? startEvents.find((el) => el.isNoneStart)?.id;
  if (!startEventId) {
    throw new InvalidError(
      'no_none_start_event',
      `process "${record.key}" has no plain start event: it starts by message or timer`,
      [{ elementId: record.key, message: 'no start event without a trigger' }],
    );
  }
  if (!startEvents.some((el) => el.id === startEventId)) {
    throw new InvalidError('unknown_start_event', `"${startEventId}" is not a start event of "${record.key}"`, [
      { elementId: startEventId, message: 'not a start event of this process' },
    ]);
  }
  const now = ctx.clock.now().toISOString();
  const instance: InstanceRecord = {
    id: options.instanceId ?? ctx.ids(),
    definitionKey: record.key,
    definitionVersion: record.version,
    businessKey: input.businessKey ?? null,
    status: 'active',
    variables: {},
    engineState: null,
    incidents: [],
    revision: 1,
    startedAt: now,
    startedBy: options.actor,
    endedAt: null,
    updatedAt: now,
  };
  return step(
    ctx,
    newInstanceCurrent(instance),
    { type: 'start', startEventId, variables: input.variables ?? {} },
    {
      actor: options.actor,
      consumesOutbox: options.consumesOutbox,
      history: [
        {
          instanceId: instance.id,
          at: now,
          type: 'started',
          elementId: startEventId,
          actor: options.actor,
          data: { version: record.version, ...(options.startedBy ?? {}) },
        },
      ],
    },
  );
}
