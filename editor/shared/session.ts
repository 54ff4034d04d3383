/**
 * The signed-in user of this browser tab. The bearer token lives in sessionStorage:
 * it is gone when the tab closes, and is never sent as a cookie (so no CSRF surface).
 * Pages call `requireSession()`; without a valid session they go to the sign-in page
 * and come back afterwards.
 */
export type Role = 'process-owner' | 'case-worker' | 'administrator' | 'auditor';

export interface User {
  id: string;
  name: string;
  roles: Role[];
  organisation: string | null;
  groups: string[];
}

export interface Session {
  token: string;
  expiresAt: string;
  user: User;
}

const KEY = 'samenspel.session';

export function readSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    if (typeof session?.token !== 'string' || !session.user) return null;
    if (Date.parse(session.expiresAt) <= Date.now()) {
      sessionStorage.removeItem(KEY);
      return null;
    }
    return session;
  } catch {
    return null;
  }
}

export function storeSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}

export function hasRole(user: User | null | undefined, ...roles: Role[]): boolean {
  return !!user && roles.some((role) => user.roles.includes(role));
}

/** Where a user starts: the modeler for process owners and administrators, else the inbox or the admin pages. */
export function homeFor(user: User): string {
  if (hasRole(user, 'process-owner', 'administrator')) return '/editor';
  if (hasRole(user, 'case-worker')) return '/tasks';
  return '/admin';
}

/** Only same-origin paths are followed after sign-in. */
export function safeNext(next: string | null): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  return next;
}

export function signInUrl(next = location.pathname + location.search): string {
  return `/?next=${encodeURIComponent(next)}`;
}

/** The session, or a redirect to the sign-in page (and never returns). */
export function requireSession(...roles: Role[]): Session {
  const session = readSession();
  if (!session) {
    location.replace(signInUrl());
    throw new Error('not signed in');
  }
  if (roles.length > 0 && !hasRole(session.user, ...roles)) {
    location.replace(homeFor(session.user));
    throw new Error('not allowed on this page');
  }
  return session;
}
