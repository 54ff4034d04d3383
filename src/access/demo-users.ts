/**
 * The demo users of shared/DOMAIN.md, one per group and role; id = user name = password.
 * The embedded default seeds them unless SAMENSPEL_DEMO_USERS=off; then
 * `disableDemoUsers` switches off those an earlier start left behind, because their
 * passwords are public.
 */
import type { Clock } from '../clock.js';
import type { UserStore } from '../store/port.js';
import { DEFAULT_SCRYPT, hashPassword, verifyPassword, type ScryptParams } from './password-hashing.js';
import type { Role } from './principal.js';

export { GROUP_ORGANISATION, ORGANISATIONS, ORGANISATION_IDS, organisationOfGroup, type Organisation } from './organisations.js';

export interface DemoUser {
  id: string;
  name: string;
  roles: Role[];
  organisation: string | null;
  groups: string[];
}

const caseWorker = (id: string, name: string, organisation: string, group: string): DemoUser => ({
  id,
  name,
  roles: ['case-worker'],
  organisation,
  groups: [group],
});

export const DEMO_USERS: readonly DemoUser[] = Object.freeze([
  caseWorker('vt-frontoffice', 'Frontoffice Veilig Thuis', 'veilig-thuis', 'vt-frontoffice'),
  caseWorker('vt-triagist', 'Triagist Veilig Thuis', 'veilig-thuis', 'vt-triage'),
  caseWorker('vt-onderzoeker', 'Onderzoeker Veilig Thuis', 'veilig-thuis', 'vt-onderzoek'),
  caseWorker('vt-teamleider', 'Teamleider Veilig Thuis', 'veilig-thuis', 'vt-teamleider'),
  caseWorker('agent', 'Agent basisteam', 'politie', 'politie-basisteam'),
  caseWorker('rechercheur', 'Rechercheur HGKM', 'politie', 'politie-hgkm'),
  caseWorker('hulpofficier', 'Hulpofficier van justitie', 'politie', 'politie-hulpofficier'),
  caseWorker('officier', 'Officier van justitie', 'om', 'om-officier'),
  caseWorker('raadsonderzoeker', 'Raadsonderzoeker RvdK', 'rvdk', 'rvdk-onderzoek'),
  caseWorker('reclasseerder', 'Reclasseringswerker', 'reclassering', 'reclassering-advies'),
  caseWorker('burgemeester', 'Burgemeester', 'gemeente', 'gemeente-burgemeester'),
  { id: 'eigenaar', name: 'Proceseigenaar', roles: ['process-owner'], organisation: null, groups: [] },
  { id: 'admin', name: 'Beheerder', roles: ['administrator'], organisation: null, groups: [] },
  { id: 'auditor', name: 'Auditor', roles: ['auditor'], organisation: null, groups: [] },
] satisfies DemoUser[]);

export interface SeedOptions {
  /** scrypt cost; tests pass TEST_SCRYPT to keep seeding fast. */
  scrypt?: ScryptParams;
}

/**
 * Puts every demo user that is not in the store yet (password = user name). Existing
 * records are left alone, so a changed password or a disabled demo user stays so, and a
 * restart does not re-hash fourteen passwords. Returns the ids it created.
 */
export async function seedDemoUsers(users: UserStore, clock: Clock, options: SeedOptions = {}): Promise<string[]> {
  const created: string[] = [];
  for (const demo of DEMO_USERS) {
    if (await users.getUser(demo.id)) continue;
    await users.putUser({
      id: demo.id,
      name: demo.name,
      passwordHash: await hashPassword(demo.id, options.scrypt ?? DEFAULT_SCRYPT),
      roles: [...demo.roles],
      organisation: demo.organisation,
      groups: [...demo.groups],
      disabled: false,
      createdAt: clock.now().toISOString(),
    });
    created.push(demo.id);
  }
  return created;
}

/**
 * SAMENSPEL_DEMO_USERS=off: disables the demo users an earlier start left in the store
 * whose password is still the public one (their user name). A demo account whose password
 * was changed is kept, so switching demos off cannot lock out the only administrator.
 * Returns the ids it disabled.
 */
export async function disableDemoUsers(users: UserStore): Promise<string[]> {
  const disabled: string[] = [];
  for (const demo of DEMO_USERS) {
    const user = await users.getUser(demo.id);
    if (!user || user.disabled || user.passwordHash === null) continue;
    if (!(await verifyPassword(demo.id, user.passwordHash))) continue;
    await users.putUser({ ...user, disabled: true });
    disabled.push(demo.id);
  }
  return disabled;
}
