/** Who is calling: a signed-in local user or a verified OIDC token, mapped to our terms. */
export const ROLES = ['process-owner', 'case-worker', 'administrator', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  id: string;
  name: string;
  roles: Role[];
  /** The organisation id (veilig-thuis, politie, om, rvdk, reclassering, gemeente) or null. */
  organisation: string | null;
  /** Candidate groups the user holds (vt-triage, politie-basisteam, ...). */
  groups: string[];
}

/** The actor recorded for work the system does by itself (timers, hand-overs). */
export const SYSTEM_ACTOR = 'system';
