/**
 * The organisations of the Veiligheid Voorop! collaboration and their candidate groups
 * (shared/DOMAIN.md). Variable visibility names organisations by these ids; candidate
 * groups in diagrams name these groups.
 */

export interface Organisation {
  id: string;
  nameNl: string;
  nameEn: string;
}

export const ORGANISATIONS: readonly Organisation[] = Object.freeze([
  { id: 'veilig-thuis', nameNl: 'Veilig Thuis', nameEn: 'Veilig Thuis (domestic violence and child abuse advice and reporting centre)' },
  { id: 'politie', nameNl: 'Politie', nameEn: 'Police' },
  { id: 'om', nameNl: 'Openbaar Ministerie', nameEn: 'Public Prosecution Service' },
  { id: 'rvdk', nameNl: 'Raad voor de Kinderbescherming', nameEn: 'Child Protection Board' },
  { id: 'reclassering', nameNl: 'Reclassering (3RO)', nameEn: 'Probation Service (3RO)' },
  { id: 'gemeente', nameNl: 'Gemeente', nameEn: 'Municipality' },
].map((organisation) => Object.freeze(organisation)));

export const ORGANISATION_IDS: readonly string[] = Object.freeze(ORGANISATIONS.map((organisation) => organisation.id));

/** Candidate group -> the organisation whose staff hold it. */
export const GROUP_ORGANISATION: Readonly<Record<string, string>> = Object.freeze({
  'vt-frontoffice': 'veilig-thuis',
  'vt-triage': 'veilig-thuis',
  'vt-onderzoek': 'veilig-thuis',
  'vt-teamleider': 'veilig-thuis',
  'politie-basisteam': 'politie',
  'politie-hgkm': 'politie',
  'politie-hulpofficier': 'politie',
  'om-officier': 'om',
  'rvdk-onderzoek': 'rvdk',
  'reclassering-advies': 'reclassering',
  'gemeente-burgemeester': 'gemeente',
});

export function organisationOfGroup(group: string): string | null {
  return Object.hasOwn(GROUP_ORGANISATION, group) ? GROUP_ORGANISATION[group] : null;
}

export function isKnownOrganisation(id: string): boolean {
  return ORGANISATION_IDS.includes(id);
}
