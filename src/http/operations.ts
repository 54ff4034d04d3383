/**
 * The few API operations that have no service module of their own: sign-in and sign-out
 * (SessionService plus an audit entry), the audit log, retention and the case export.
 * Like the other services they decide through the policy and audit through the guard, and
 * know nothing of HTTP; createApp builds them beside CaseService and TaskService.
 */
import type { AuditService } from '../access/audit-service.js';
import { UnauthenticatedError } from '../access/access-errors.js';
import type { Guard } from '../access/guarded.js';
import type { Principal } from '../access/principal.js';
import type { SessionService, SignInResult } from '../access/session-service.js';
import { NotFoundError, SamenspelError } from '../errors.js';
import type { RetentionService } from '../runtime/retention-service.js';
import type { AuditQuery, Store } from '../store/port.js';

export interface OperationsOptions {
  store: Store;
  audit: AuditService;
  guard: Guard;
  sessions: SessionService;
  retention: RetentionService;
  /** False when tokens come from an OIDC provider: local sign-in is then switched off. */
  localSignIn: boolean;
  now: () => Date;
}

/** The actor of audit entries about sign-ins that did not succeed (the name typed may be a password). */
export const ANONYMOUS_ACTOR = 'anonymous';

export function createOperations(options: OperationsOptions) {
  const { store, audit, guard, sessions, retention } = options;

  async function recordAnonymous(action: string, code: string): Promise<void> {
    await audit.record({
      at: options.now().toISOString(),
      actor: ANONYMOUS_ACTOR,
      role: null,
      organisation: null,
      action,
      resource: 'session',
      instanceId: null,
      outcome: 'denied',
      details: { code },
    });
  }

  return {
    /** POST /api/session: 401 sign_in_failed, 429 when failed too often. Both audited. */
    async signIn(username: string, password: string, ip: string | undefined): Promise<SignInResult> {
      if (!options.localSignIn) {
        await recordAnonymous('session.create', 'local_sign_in_disabled');
        throw new UnauthenticatedError('local_sign_in_disabled', 'Sign in with your organisation\'s identity provider; local sign-in is switched off.');
      }
      let session: SignInResult;
      try {
        session = await sessions.signIn(username, password, { ip: ip ?? null });
      } catch (err) {
        if (err instanceof SamenspelError) await recordAnonymous('session.create', err.code);
        throw err;
      }
      await audit.recordFor(session.user, { action: 'session.create', resource: `user/${session.user.id}`, outcome: 'allowed' });
      return session;
    },

    /** DELETE /api/session: ends the caller's local session (an OIDC token simply expires). */
    async signOut(principal: Principal, token: string | null): Promise<void> {
      if (token !== null && options.localSignIn) await sessions.signOut(token);
      await audit.recordFor(principal, { action: 'session.delete', resource: `user/${principal.id}`, outcome: 'allowed' });
    },

    me(principal: Principal): Principal {
      return principal;
    },

    async auditLog(principal: Principal, query: AuditQuery) {
      return guard(principal, 'audit.read', { resource: 'audit', details: query.instanceId ? { instanceId: query.instanceId } : undefined }, async () => {
        const page = await audit.list(query);
        return {
          items: page.items.map(({ prevHash: _prev, hash: _hash, ...entry }) => entry),
          nextCursor: page.nextCursor,
        };
      });
    },

    async verifyAudit(principal: Principal) {
      return guard(principal, 'audit.verify', { resource: 'audit' }, () => audit.verify());
    },

    async retentionDue(principal: Principal) {
      return guard(principal, 'retention.read', { resource: 'retention' }, async () => ({ items: await retention.dueForDeletion() }));
    },

    async runRetention(principal: Principal) {
      return guard(principal, 'retention.run', { resource: 'retention' }, async () => ({ purged: await retention.run() }));
    },

    /** Everything stored about one case; 404 for an unknown id (the probe is audited too). */
    async exportCase(principal: Principal, id: string) {
      const instance = await store.instances.get(id);
      if (!instance) {
        await audit.recordFor(principal, { action: 'instance.export', resource: `instance/${id}`, outcome: 'failed', details: { code: 'instance_not_found' } });
        throw new NotFoundError('instance_not_found', `no instance "${id}"`);
      }
      const tasks = await store.instances.tasksOfInstance(id);
      return guard(principal, 'instance.export', { resource: `instance/${id}`, instanceId: id }, () => retention.exportCase(id), { instanceId: id, tasks });
    },
  };
}

export type Operations = ReturnType<typeof createOperations>;
