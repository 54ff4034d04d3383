/**
 * What the HTTP layer needs to turn a bearer token into a caller, whichever way tokens
 * are issued: local sessions (SessionService) or an OIDC provider (OidcVerifier).
 */
import type { UserRecord } from '../store/port.js';
import { ROLES, type Principal, type Role } from './principal.js';

export interface Authenticator {
  /** The caller the token stands for, or null when it is not a valid token (answer 401). */
  authenticate(token: string): Promise<Principal | null>;
}

/** Longer Authorization values are refused unread (a JWT with many groups stays far below). */
const MAX_TOKEN_LENGTH = 16 * 1024;

/** The token of an `Authorization: Bearer <token>` header, or null when absent or malformed. */
export function parseBearer(header: string | undefined | null): string | null {
  if (typeof header !== 'string' || header.length > MAX_TOKEN_LENGTH) return null;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return match ? match[1] : null;
}

/** Keeps the roles Samenspel knows; anything else in a record or token grants nothing. */
export function knownRoles(values: readonly unknown[]): Role[] {
  return [...new Set(values.filter((value): value is Role => (ROLES as readonly unknown[]).includes(value)))];
}

export function principalFromUser(user: UserRecord): Principal {
  return {
    id: user.id,
    name: user.name,
    roles: knownRoles(user.roles),
    organisation: user.organisation,
    groups: [...user.groups],
  };
}
