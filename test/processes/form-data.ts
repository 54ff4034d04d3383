/**
 * Valid submissions for the forms in processes/, one per form, to be varied per scenario
 * with spread: `{ ...triage, acuteOnveiligheid: 'ja' }`. Each only holds keys of its form
 * (submissions are validated strictly against the form).
 */
export const zorgmelding = {
  registratienummer: 'PL1300-2026000123',
  incidentMoment: '2026-04-22T02:10:00+02:00',
  incidentAdres: 'Dorpsstraat 1, Utrecht',
  omschrijving: 'Ruzie tussen partners; buren belden 112. Moeder heeft letsel aan de arm.',
  aanwezigen: 'Moeder A (1990), vader B (1988)',
  kinderenInHuis: 'ja',
  kinderen: 'C (6 jaar), D (3 jaar); beiden wakker tijdens het incident',
  wapens: 'nee',
  eerdereIncidenten: 'Twee eerdere meldingen van burengerucht in 2025',
  acuteDreiging: 'ja',
  strafbareFeiten: 'ja',
  contactpersoonPolitie: 'Agent Jansen, 0612345678',
};
export const navragen = { uitkomstNavraag: 'nog-niet', contactpersoonVeiligThuis: 'Frontoffice Veilig Thuis', toelichtingNavraag: 'Triage loopt nog; VT belt terug.' };
export const terugkoppelingVerwerken = { terugkoppelingVastgelegd: 'ja', wijkagentGeinformeerd: 'ja' };

export const vraagAannemen = {
  soortVraag: 'melding',
  melderType: 'professional',
  melderNaam: 'Huisarts De Vries',
  melderTelefoon: '030-1234567',
  omschrijving: 'Kind komt herhaaldelijk met blauwe plekken op het spreekuur.',
  kinderenInHuis: 'ja',
};
export const advies = { gegevenAdvies: 'Bespreek de zorgen met de ouders en volg de stappen van de meldcode.' };
export const registratie = { vtDossiernummer: 'VT-2026-00042', betrokkenen: 'Moeder A, vader B, kinderen C en D', registratieVolledig: 'ja' };
export const triage = {
  acuteOnveiligheid: 'nee',
  strafbareFeiten: 'nee',
  vervolg: 'overdracht-lokaal-team',
  onderbouwingTriage: 'Geen acute dreiging; gezin staat open voor hulp van het wijkteam.',
  terugkoppelingAanMelder: 'Veilig Thuis draagt over aan het wijkteam en volgt de veiligheid.',
};
export const opschaling = { opschalingMaatregel: 'Triage vandaag door senior triagist.', opschalingToegewezenAan: 'Senior triagist' };
export const directIngrijpen = {
  genomenMaatregelen: 'Veiligheidsplan met moeder opgesteld, politie ter plaatse gevraagd.',
  politieGealarmeerd: 'ja',
  adresHuisverbod: 'Dorpsstraat 1, Utrecht',
  uithuisTePlaatsen: 'B (vader, 1988)',
  redenHuisverbod: 'Herhaald geweld en dreiging met een mes, kinderen in huis.',
};
export const terugkoppelingMelder = { wijzeTerugkoppeling: 'telefonisch', terugkoppelingGegevenOp: '2026-04-24' };
export const uitkomstAfweging = { verwerkingUitkomstAfweging: 'Plan van aanpak aangepast aan de afspraken.' };
export const onderzoek = {
  onderzoeksbevindingen: 'Gesprekken met ouders, kinderen en school: zorgen over opvoeding, geen acute onveiligheid.',
  vervolg: 'overdracht-lokaal-team',
};
export const overdracht = {
  overgedragenAan: 'Wijkteam Zuid',
  contactpersoonOverdracht: 'J. Bakker',
  overdrachtDatum: '2026-05-04',
  afsprakenOverdracht: 'Wijkteam start binnen een week met gezinsbegeleiding.',
};
export const monitoring = { veiligheidNu: 'veilig', toelichtingMonitoring: 'Geen nieuwe incidenten.' };
export const verzoekRvdk = {
  kinderenVerzoek: 'C (2020), D (2023), wonen bij moeder',
  zorgenOverKinderen: 'Kinderen zijn herhaaldelijk getuige van geweld; hulp komt niet van de grond, ouders werken niet mee.',
  ingezetteHulp: 'Wijkteam sinds januari, zonder resultaat.',
  vraagAanRaad: 'Onderzoek of een kinderbeschermingsmaatregel nodig is.',
};
export const rapportageVerwerken = { vervolgNaRapportage: 'Dossier gesloten; gezinsvoogd betrokken.' };

export const informatieVt = {
  veiligheidssituatie: 'Moeder en kinderen verblijven tijdelijk bij familie; veiligheidsplan loopt.',
  hulpverlening: 'Wijkteam en Veilig Thuis betrokken.',
  zorgenKinderen: 'Kinderen slapen slecht sinds het incident.',
  adviesVeiligThuis: 'zorg-en-straf',
};
export const informatiePolitie = {
  registratienummer: 'PL1300-2026000123',
  verdachte: 'B (1988)',
  strafbareFeitenOmschrijving: 'Mishandeling van partner en bedreiging met een mes.',
  opsporingsinformatie: 'Verklaringen van buren en letselverklaring huisarts.',
  antecedentenVerdachte: 'Mishandeling 2021 (voorwaardelijk sepot).',
  aangifteGedaan: 'ja',
};
export const besluitOm = {
  interventie: 'strafrechtelijk-en-zorg',
  parketnummer: '16/123456-26',
  reclasseringsadviesNodig: 'ja',
  zittingsdatum: '2026-06-15',
  vraagstellingReclassering: 'Advies over voorwaarden en toezicht.',
  afsprakenCasusoverleg: 'Politie hoort verdachte binnen 5 dagen; Veilig Thuis houdt contact met moeder; OM dagvaardt.',
};
export const afsprakenPolitie = { uitgevoerdeActiesPolitie: 'Verdachte gehoord, proces-verbaal naar het OM.' };
export const uitkomstVt = { verwerkingUitkomstVT: 'Afspraken in het plan van Veilig Thuis opgenomen.' };
export const afdoening = {
  afdoening: 'dagvaarden',
  toezichtReclassering: 'ja',
  bijzondereVoorwaarden: 'Contactverbod en agressieregulatietraining.',
  toezichtDuurMaanden: 24,
  toelichtingAfdoening: 'Conform reclasseringsadvies.',
};
export const overtredingBeoordelen = { reactieOvertreding: 'waarschuwing', toelichtingOvertreding: 'Eerste overtreding: waarschuwing.' };

export const risicotaxatie = {
  registratienummer: 'PL1300-2026000123',
  adres: 'Dorpsstraat 1, Utrecht',
  uithuisgeplaatste: 'B (1988)',
  kinderenInHuis: 'ja',
  rihgUitkomst: 'huisverbod-aangewezen',
  rihgToelichting: 'Hoog risico: eerdere mishandeling, dreiging met mes, kinderen aanwezig.',
};
export const besluitHuisverbod = {
  besluitHuisverbod: 'opleggen',
  besluitGenomenDoor: 'hulpofficier-onder-mandaat',
  ingangHuisverbod: '2026-04-22T14:00:00+02:00',
  motiveringBesluit: 'Acute dreiging volgens RiHG; huisverbod noodzakelijk.',
};
export const hulpStarten = {
  contactUithuisgeplaatste: 'ja',
  contactAchterblijvers: 'ja',
  hulpplan: 'Hulpverlening voor moeder, kinderen en vader gestart; agressietraining aangeboden.',
};
export const adviesVerlenging = { adviesVerlenging: 'verlengen', onderbouwingAdvies: 'Dreiging is niet weg; hulp aan vader is net gestart.' };
export const besluitVerlenging = { verlengen: 'ja', verlengdTotDag: 28, motiveringVerlenging: 'Conform advies van Veilig Thuis.' };

export const verzoekBeoordelen = { besluitOnderzoek: 'starten', motiveringBesluit: 'Ernstige zorgen, vrijwillige hulp onvoldoende.' };
export const raadsonderzoek = {
  bevindingenRaad: 'Gesprekken met ouders, kinderen, school en wijkteam; ontwikkeling kinderen bedreigd door aanhoudend geweld.',
  conclusieRaad: 'kinderbeschermingsmaatregel',
  adviesAanVeiligThuis: 'Raad verzoekt een ondertoezichtstelling.',
};
export const verzoekKinderrechter = { maatregelVerzocht: 'ondertoezichtstelling', datumVerzoekschrift: '2026-07-01' };
export const uitspraak = { uitspraakKinderrechter: 'toegewezen', datumUitspraak: '2026-07-20' };
export const voortgang = { voortgangOnderzoek: 'Gesprek met school nog gepland.', verwachteAfronding: '2026-08-15' };

export const reclasseringsadvies = {
  adviesSoort: 'toezicht-bijzondere-voorwaarden',
  adviesVoorwaarden: 'Contactverbod, agressieregulatietraining.',
  risicoInschatting: 'gemiddeld',
  adviesTekst: 'Verdachte is gemotiveerd voor behandeling; toezicht met bijzondere voorwaarden verkleint het risico.',
};
export const vertraging = { toelichtingVertraging: 'Gesprek met verdachte pas volgende week mogelijk.', verwachteDatumAdvies: '2026-06-12' };
export const toezichtcontact = { uitkomstContact: 'lopend', verslagContact: 'Voorwaarden nageleefd.' };
