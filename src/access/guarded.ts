/**
 * Policy and audit together: every call that touches case data or changes anything goes
 * through here, so that the decision and the audit entry (allowed, denied or failed) can
 * never drift apart.
 */
import { SamenspelError } from '../errors.js';
import type { AuditService } from './audit-service.js';
import { decide, type ContextArgs, type PolicyAction } from './policy.js';
import type { Principal } from './principal.js';

export interface AuditTarget {
  resource: string;
  instanceId?: string | null;
  /** Ids and counts only, never case data. */
  details?: Record<string, string | number | boolean | null>;
}

export type Guard = <A extends PolicyAction, T>(
  principal: Principal,
  action: A,
  target: AuditTarget,
  run: () => Promise<T>,
  ...context: ContextArgs<A>
) => Promise<T>;

export function createGuard(audit: AuditService): Guard {
  return async (principal, action, target, run, ...context) => {
    const decision = decide(principal, action, ...context);
    const entry = { action, resource: target.resource, instanceId: target.instanceId ?? null, details: target.details };
    if (!decision.allowed) {
      await audit.recordFor(principal, { ...entry, outcome: 'denied', details: { ...target.details, code: decision.error.code } });
      throw decision.error;
    }
    // Recorded before the action: when the audit log cannot be written nothing happens,
    // so there is never a change without its entry. A failure is recorded after it.
    await audit.recordFor(principal, { ...entry, outcome: 'allowed' });
    try {
      return await run();
    } catch (err) {
      const code = err instanceof SamenspelError ? err.code : 'internal_error';
      await audit.recordFor(principal, { ...entry, outcome: 'failed', details: { ...target.details, code } }).catch(() => undefined);
      throw err;
    }
  };
}
