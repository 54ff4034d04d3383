import { NotFoundError } from '../../errors.js';
import type { EngineCommand } from '../../engine/engine-adapter.js';
import { loadCurrent, step, type StepResult } from '../instance-step.js';
import type { RuntimeContext } from '../runtime-context.js';
import { loadInstance } from './load-instance.js';

/**
 * Retries an incident. An incident of a failed command repeats that command; an incident
 * of a step that stayed waiting (a failing connector, a condition that did not evaluate)
 * resumes the instance, which runs every such step again — so all of those are resolved
 * together, and raised again if they still fail.
 */
export async function retryIncident(ctx: RuntimeContext, instanceId: string, incidentId: string, actor: string): Promise<StepResult> {
  return ctx.locks.run(instanceId, async () => {
    const instance = await loadInstance(ctx, instanceId);
    const incident = instance.incidents.find((candidate) => candidate.id === incidentId);
    if (!incident) throw new NotFoundError('incident_not_found', `instance "${instanceId}" has no incident "${incidentId}"`);
    const repeat = incident.retry ? (incident.retry as unknown as EngineCommand) : null;
    const resolved = repeat ? [incident.id] : instance.incidents.filter((candidate) => !candidate.retry).map((candidate) => candidate.id);
    // Never reuse a cached engine here: the failed step must run again from the stored state.
    ctx.engine.forget(instanceId);
    const current = instance.engineState === null && repeat?.type === 'start'
      ? { instance, openTasks: [], timers: [], subscriptions: [], isNew: false }
      : await loadCurrent(ctx, instance);
    return step(ctx, current, repeat ?? { type: 'resume' }, { actor, resolveIncidents: resolved });
  });
}
