/**
 * Form submissions of the scenarios: the valid ones of test/processes/form-data.ts, with
 * the marked texts of scenario-kit.ts in the fields other organisations must not read.
 */
import * as base from '../processes/form-data.js';
import { MARKERS } from './scenario-kit.js';

export * from '../processes/form-data.js';

export const zorgmelding = { ...base.zorgmelding, eerdereIncidenten: MARKERS.eerder };
export const vraagAannemen = { ...base.vraagAannemen, melderNaam: MARKERS.melder, melderTelefoon: MARKERS.melderTelefoon };
export const triage = { ...base.triage, onderbouwingTriage: MARKERS.triage };
export const onderzoek = { ...base.onderzoek, onderzoeksbevindingen: MARKERS.vtOnderzoek };
export const monitoring = { ...base.monitoring, toelichtingMonitoring: MARKERS.monitoring };
export const informatiePolitie = { ...base.informatiePolitie, opsporingsinformatie: MARKERS.opsporing, antecedentenVerdachte: MARKERS.antecedent };
export const informatieVt = {
  ...base.informatieVt,
  veiligheidssituatie: MARKERS.veiligheid,
  hulpverlening: MARKERS.hulpverlening,
  zorgenKinderen: MARKERS.zorgenKinderen,
};
export const risicotaxatie = { ...base.risicotaxatie, rihgToelichting: MARKERS.rihg };
export const hulpStarten = { ...base.hulpStarten, hulpplan: MARKERS.hulpplan };
export const adviesVerlenging = { ...base.adviesVerlenging, onderbouwingAdvies: MARKERS.verlengAdvies };
export const reclasseringsadvies = { ...base.reclasseringsadvies, adviesTekst: MARKERS.reclAdvies };
export const raadsonderzoek = { ...base.raadsonderzoek, bevindingenRaad: MARKERS.raad };
export const toezichtcontact = { ...base.toezichtcontact, verslagContact: MARKERS.toezicht };
