/**
 * One acute case through five processes over the HTTP API, each step by the demo user of
 * the organisation whose task it is: a police zorgmelding with acute danger and crimes;
 * Veilig Thuis intervenes, which starts the tijdelijk huisverbod and the zorg/straf
 * afweging; the OM decides only once Veilig Thuis's information is in; the reclassering
 * advises and supervises; the mayor extends the huisverbod to day 28. Wednesday 22 April
 * 2026, 09:00 UTC (11:00 in Amsterdam); King's Day Monday 27 April, Liberation Day 5 May.
 */
import { expect } from 'chai';
import * as data from './scenario-data.js';
import { checkBoundaries, failedFields, MARKERS, startScenario, type Scenario } from './scenario-kit.js';

const REGISTRATIENUMMER = 'PL1300-2026000777';
const DOSSIER = 'VT-2026-00777';
const PARKET = '16/123777-26';
// The huisverbod is served on Wed 22 April 2026 at 14:00 in Amsterdam (12:00 UTC).
const INGANG = '2026-04-22T14:00:00+02:00';
const DAY_8 = '2026-04-29T12:00:00.000Z';
const DAY_10 = '2026-05-02T12:00:00.000Z';
const DAY_28 = '2026-05-20T12:00:00.000Z';

describe('scenario: an acute case through police, Veilig Thuis, mayor, OM and reclassering (HTTP API, demo users)', () => {
  let s: Scenario;
  before(async () => {
    s = await startScenario();
  });
  after(async () => s?.close());

  let policeId: string;
  let meldingId: string;
  let huisverbodId: string;
  let afwegingId: string;
  let reclasseringId: string;
  const cases = () => [policeId, meldingId, huisverbodId, afwegingId, reclasseringId].filter((id) => id !== undefined);

  it('1. the agent sends a zorgmelding of acute danger with crimes; Veilig Thuis registers and triages it as acute', async () => {
    policeId = await s.start('agent', 'zorgmelding-politie');
    await s.complete('agent', 'Task_zorgmelding_opstellen', { ...data.zorgmelding, registratienummer: REGISTRATIENUMMER }, policeId);
    await s.advanceTo('2026-04-22T10:00:00.000Z');
    meldingId = (await s.taskFor('vt-frontoffice', 'Task_registreren')).instanceId;
    await s.complete('vt-frontoffice', 'Task_registreren', { ...data.registratie, vtDossiernummer: DOSSIER }, meldingId);
    await s.complete('vt-triagist', 'Task_triage', { ...data.triage, acuteOnveiligheid: 'ja', strafbareFeiten: 'ja' }, meldingId);

    const intervene = await s.taskFor('vt-triagist', 'Task_direct_ingrijpen', meldingId);
    expect(intervene.dueAt).to.equal('2026-04-22T10:00:00.000Z');
    const wrong = await s.call('POST', `/api/tasks/${intervene.id}/complete`, {
      as: 'vt-triagist',
      json: { variables: { ...data.directIngrijpen, politieGealarmeerd: true, redenHuisverbod: undefined } },
    });
    expect(failedFields(wrong)).to.deep.equal(['politieGealarmeerd', 'redenHuisverbod']);
    // Nothing went to the police or the mayor yet.
    expect(await s.inbox('hulpofficier')).to.deep.equal([]);
  });

  it('2. the acute intervention asks for a huisverbod: the hulpofficier assesses the risk and imposes it under mandate; Veilig Thuis waits for the decision', async () => {
    await s.complete('vt-triagist', 'Task_direct_ingrijpen', data.directIngrijpen, meldingId);
    const rihg = await s.taskFor('hulpofficier', 'Task_rihg');
    huisverbodId = rihg.instanceId;
    expect(rihg).to.include({ definitionKey: 'tijdelijk-huisverbod', businessKey: DOSSIER, dueAt: '2026-04-22T14:00:00.000Z' });
    const rihgDetail = await s.call('GET', `/api/tasks/${rihg.id}`, { as: 'hulpofficier' });
    expect(rihgDetail.body.variables).to.include({
      verzochtDoorVeiligThuis: true,
      registratienummer: REGISTRATIENUMMER,
      adres: data.directIngrijpen.adresHuisverbod,
      redenVerzoek: data.directIngrijpen.redenHuisverbod,
    });
    // Veilig Thuis waits for the decision; the zorg/straf afweging has not started yet.
    expect(await s.openElements(meldingId)).to.deep.equal([]);
    expect((await s.adminCase(meldingId)).activeElements.map((element: any) => element.elementId)).to.deep.equal(['Event_besluit_huisverbod']);
    expect(await s.inbox('rechercheur')).to.deep.equal([]);

    await s.advanceTo('2026-04-22T11:00:00.000Z');
    await s.complete('hulpofficier', 'Task_rihg', data.risicotaxatie, huisverbodId);
    const decision = await s.taskFor('hulpofficier', 'Task_besluit', huisverbodId);
    expect(decision.candidateGroups).to.deep.equal(['politie-hulpofficier', 'gemeente-burgemeester']);
    // The mayor may take this decision too: it is in both inboxes.
    expect((await s.taskFor('burgemeester', 'Task_besluit', huisverbodId)).id).to.equal(decision.id);
    await s.complete('hulpofficier', 'Task_besluit', { ...data.besluitHuisverbod, ingangHuisverbod: INGANG }, huisverbodId);

    const melding = await s.call('GET', `/api/instances/${meldingId}`, { as: 'vt-triagist' });
    expect(melding.body.variables).to.include({ huisverbodOpgelegd: true, huisverbodEinde: DAY_10 });
    expect(melding.body.variables).to.not.have.any.keys('rihgToelichting', 'rihgUitkomst');
    const help = await s.taskFor('vt-onderzoeker', 'Task_hulp', huisverbodId);
    expect(help.dueAt).to.equal('2026-04-23T11:00:00.000Z');
    expect(await s.timers(huisverbodId)).to.deep.equal([{ elementId: 'Timer_dag8', dueAt: DAY_8 }]);
  });

  it('3. the crimes start the zorg/straf afweging; the police get their terugkoppeling, which stops their reminder', async () => {
    const police = await s.taskFor('rechercheur', 'Task_informatie_politie');
    afwegingId = police.instanceId;
    expect(police).to.include({ definitionKey: 'zorg-straf-afweging', businessKey: DOSSIER });
    // 5 working days from Wed 22 April 11:00: the weekend and King's Day do not count.
    expect(police.dueAt).to.equal('2026-04-30T11:00:00.000Z');
    const vt = await s.taskFor('vt-onderzoeker', 'Task_informatie_vt', afwegingId);
    expect(vt.dueAt).to.equal('2026-04-30T11:00:00.000Z');

    await s.taskFor('agent', 'Task_terugkoppeling_verwerken', policeId);
    expect(await s.timers(policeId)).to.deep.equal([]);
    const police2 = await s.call('GET', `/api/instances/${policeId}`, { as: 'agent' });
    expect(police2.body.variables).to.include({ vtBesluit: 'overdracht-lokaal-team', vtDossiernummer: DOSSIER });
    await s.complete('agent', 'Task_terugkoppeling_verwerken', data.terugkoppelingVerwerken, policeId);
    // Veilig Thuis goes on with the hand-over and waits for the outcome of the afweging.
    expect(await s.openElements(meldingId)).to.deep.equal(['Task_overdracht']);
  });

  it('4. the OM cannot decide before Veilig Thuis\'s information has arrived: no decision task exists for the officier until then', async () => {
    const officierHasNothing = async () => {
      expect(await s.inbox('officier')).to.deep.equal([]);
      expect((await s.call('GET', `/api/instances/${afwegingId}`, { as: 'officier' })).status).to.equal(404);
      const admin = await s.adminCase(afwegingId);
      expect(admin.tasks.map((task: any) => task.elementId)).to.not.include('Task_besluit_om');
    };
    await officierHasNothing();
    await s.advanceTo('2026-04-23T09:00:00.000Z');
    const police = await s.taskFor('rechercheur', 'Task_informatie_politie', afwegingId);
    const wrong = await s.call('POST', `/api/tasks/${police.id}/complete`, {
      as: 'rechercheur',
      json: { variables: { ...data.informatiePolitie, registratienummer: 'PV-1', aangifteGedaan: 'weet niet' } },
    });
    expect(failedFields(wrong)).to.deep.equal(['aangifteGedaan', 'registratienummer']);
    await s.complete('rechercheur', 'Task_informatie_politie', { ...data.informatiePolitie, registratienummer: REGISTRATIENUMMER }, afwegingId);
    await officierHasNothing();
    expect(await s.openElements(afwegingId)).to.deep.equal(['Task_informatie_vt']);

    // Veilig Thuis brings its information; it does not get the police's investigation details.
    const vt = await s.taskFor('vt-onderzoeker', 'Task_informatie_vt', afwegingId);
    const vtView = await s.call('GET', `/api/tasks/${vt.id}`, { as: 'vt-onderzoeker' });
    expect(vtView.body.variables).to.include({ verdachte: data.informatiePolitie.verdachte });
    expect(vtView.body.variables).to.not.have.any.keys('opsporingsinformatie', 'antecedentenVerdachte');

    await s.advanceTo('2026-04-24T09:00:00.000Z');
    await s.complete('vt-onderzoeker', 'Task_informatie_vt', { ...data.informatieVt, vtDossiernummer: DOSSIER }, afwegingId);
    const decision = await s.taskFor('officier', 'Task_besluit_om', afwegingId);
    expect(decision.candidateGroups).to.deep.equal(['om-officier']);
    // 10 working days from Fri 24 April: King's Day and Liberation Day do not count.
    expect(decision.dueAt).to.equal('2026-05-12T09:00:00.000Z');
    const officierView = await s.call('GET', `/api/tasks/${decision.id}`, { as: 'officier' });
    expect(officierView.body.variables).to.include({
      opsporingsinformatie: MARKERS.opsporing,
      antecedentenVerdachte: MARKERS.antecedent,
      veiligheidssituatie: MARKERS.veiligheid,
      adviesVeiligThuis: data.informatieVt.adviesVeiligThuis,
    });
    const rechercheurView = await s.call('GET', `/api/instances/${afwegingId}`, { as: 'rechercheur' });
    expect(rechercheurView.body.variables).to.include({ opsporingsinformatie: MARKERS.opsporing, adviesVeiligThuis: 'zorg-en-straf' });
    expect(rechercheurView.body.variables).to.not.have.any.keys('veiligheidssituatie', 'hulpverlening', 'zorgenKinderen');

    const opened = await checkBoundaries(s, cases());
    expect(opened).to.deep.include({
      agent: ['zorgmelding-politie'],
      rechercheur: ['zorg-straf-afweging'],
      hulpofficier: ['tijdelijk-huisverbod'],
      burgemeester: ['tijdelijk-huisverbod'],
      officier: ['zorg-straf-afweging'],
      'vt-onderzoeker': ['tijdelijk-huisverbod', 'zorg-straf-afweging'],
      'vt-teamleider': [],
      raadsonderzoeker: [],
      reclasseerder: [],
    });
  });

  it('5. the officier decides; the outcome reaches Veilig Thuis and the police; the reclassering gets only what it needs for its advice', async () => {
    await s.advanceTo('2026-04-28T09:00:00.000Z');
    const decision = await s.taskFor('officier', 'Task_besluit_om', afwegingId);
    const wrong = await s.call('POST', `/api/tasks/${decision.id}/complete`, {
      as: 'officier',
      json: { variables: { ...data.besluitOm, parketnummer: '123', zittingsdatum: undefined } },
    });
    expect(failedFields(wrong)).to.deep.equal(['parketnummer', 'zittingsdatum']);
    await s.complete('officier', 'Task_besluit_om', { ...data.besluitOm, parketnummer: PARKET }, afwegingId);

    const outcome = await s.taskFor('vt-onderzoeker', 'Task_uitkomst_afweging', meldingId);
    const outcomeView = await s.call('GET', `/api/tasks/${outcome.id}`, { as: 'vt-onderzoeker' });
    expect(outcomeView.body.variables).to.include({ interventie: 'strafrechtelijk-en-zorg', afsprakenCasusoverleg: data.besluitOm.afsprakenCasusoverleg });
    await s.taskFor('rechercheur', 'Task_afspraken_politie', afwegingId);

    const advice = await s.taskFor('reclasseerder', 'Task_advies');
    reclasseringId = advice.instanceId;
    expect(advice).to.include({ definitionKey: 'reclasseringsadvies', businessKey: PARKET, dueAt: '2026-06-08T23:59:59.000Z' });
    const reclasseringView = await s.call('GET', `/api/tasks/${advice.id}`, { as: 'reclasseerder' });
    expect(reclasseringView.body.variables).to.include({
      parketnummer: PARKET,
      verdachte: data.informatiePolitie.verdachte,
      tenlastelegging: data.informatiePolitie.strafbareFeitenOmschrijving,
      zittingsdatum: data.besluitOm.zittingsdatum,
      vraagstelling: data.besluitOm.vraagstellingReclassering,
    });
    expect(reclasseringView.body.variables).to.not.have.any.keys('opsporingsinformatie', 'antecedentenVerdachte', 'veiligheidssituatie', 'registratienummer', 'vtDossiernummer');
    for (const path of [`/api/instances/${afwegingId}`, `/api/instances/${meldingId}`, `/api/tasks/${decision.id}`]) {
      expect((await s.call('GET', path, { as: 'reclasseerder' })).status, path).to.equal(404);
    }
  });

  it('6. the huisverbod: Veilig Thuis advises on day 8, only the mayor extends, at most to day 28', async () => {
    await s.complete('vt-onderzoeker', 'Task_hulp', data.hulpStarten, huisverbodId);
    expect(await s.inbox('vt-onderzoeker', { instanceId: huisverbodId })).to.deep.equal([]);
    expect(await s.advanceTo('2026-04-29T11:59:00.000Z')).to.equal(0);
    expect(await s.advanceTo(DAY_8)).to.equal(1);
    const advice = await s.taskFor('vt-onderzoeker', 'Task_advies_verlenging', huisverbodId);
    expect(advice.dueAt).to.equal('2026-04-30T12:00:00.000Z');
    await s.complete('vt-onderzoeker', 'Task_advies_verlenging', data.adviesVerlenging, huisverbodId);

    const extension = await s.taskFor('burgemeester', 'Task_besluit_verlenging', huisverbodId);
    expect(extension.candidateGroups).to.deep.equal(['gemeente-burgemeester']);
    expect(extension.dueAt).to.equal(DAY_10);
    // The hulpofficier cannot extend: the task is not in their inbox and does not exist for them.
    expect((await s.inbox('hulpofficier')).map((task) => task.elementId)).to.not.include('Task_besluit_verlenging');
    expect((await s.call('GET', `/api/tasks/${extension.id}`, { as: 'hulpofficier' })).status).to.equal(404);
    const byHulpofficier = await s.call('POST', `/api/tasks/${extension.id}/complete`, { as: 'hulpofficier', json: { variables: data.besluitVerlenging } });
    expect(byHulpofficier.status).to.equal(404);
    expect((await s.call('POST', `/api/tasks/${extension.id}/claim`, { as: 'hulpofficier' })).status).to.equal(404);

    // The mayor sees the RiHG and Veilig Thuis's advice, not Veilig Thuis's help plan.
    const mayorView = await s.call('GET', `/api/tasks/${extension.id}`, { as: 'burgemeester' });
    expect(mayorView.body.variables).to.include({ rihgToelichting: MARKERS.rihg, onderbouwingAdvies: MARKERS.verlengAdvies, maxDuurDagen: 28 });
    expect(mayorView.body.variables).to.not.have.any.keys('hulpplan');

    for (const [day, rule] of [[29, 'max'], [10, 'min']] as const) {
      const answer = await s.call('POST', `/api/tasks/${extension.id}/complete`, { as: 'burgemeester', json: { variables: { ...data.besluitVerlenging, verlengdTotDag: day } } });
      expect(failedFields(answer), `day ${day}`).to.deep.equal(['verlengdTotDag']);
      expect(answer.body.error.details[0].rule).to.equal(rule);
    }
    await s.complete('burgemeester', 'Task_besluit_verlenging', data.besluitVerlenging, huisverbodId);
    expect(await s.timers(huisverbodId)).to.deep.equal([{ elementId: 'Timer_einde_verlengd', dueAt: DAY_28 }]);

    // Day 10 passes; the extended huisverbod runs on until day 28.
    expect(await s.advanceTo(DAY_10)).to.equal(0);
    expect(await s.timers(huisverbodId)).to.deep.equal([{ elementId: 'Timer_einde_verlengd', dueAt: DAY_28 }]);
    expect(await s.advanceTo('2026-05-20T11:59:00.000Z')).to.equal(0);
    expect(await s.advanceTo(DAY_28)).to.equal(1);
    expect(await s.timers(huisverbodId)).to.deep.equal([{ elementId: 'Timer_monitoring_1', dueAt: '2026-07-22T12:00:00.000Z' }]);
  });

  it('7. the reclassering advises the OM before the hearing; the OM orders supervision, judges a violation, and hears the end', async () => {
    await s.advanceTo('2026-06-01T08:00:00.000Z');
    const advice = await s.taskFor('reclasseerder', 'Task_advies', reclasseringId);
    const wrong = await s.call('POST', `/api/tasks/${advice.id}/complete`, {
      as: 'reclasseerder',
      json: { variables: { ...data.reclasseringsadvies, adviesTekst: 'Te kort.', risicoInschatting: 'enorm' } },
    });
    expect(failedFields(wrong)).to.deep.equal(['adviesTekst', 'risicoInschatting']);
    await s.complete('reclasseerder', 'Task_advies', data.reclasseringsadvies, reclasseringId);

    const settle = await s.taskFor('officier', 'Task_afdoening', afwegingId);
    expect(settle.dueAt).to.equal('2026-06-15T23:59:59.000Z');
    const officierView = await s.call('GET', `/api/tasks/${settle.id}`, { as: 'officier' });
    expect(officierView.body.variables).to.include({ adviesTekst: MARKERS.reclAdvies, risicoInschatting: 'gemiddeld', adviesSoort: 'toezicht-bijzondere-voorwaarden' });
    // The police and Veilig Thuis see which advice came, not its reasoning.
    const rechercheurView = await s.call('GET', `/api/instances/${afwegingId}`, { as: 'rechercheur' });
    expect(rechercheurView.body.variables).to.include({ adviesSoort: 'toezicht-bijzondere-voorwaarden' });
    expect(rechercheurView.body.variables).to.not.have.any.keys('adviesTekst', 'risicoInschatting');

    await s.complete('rechercheur', 'Task_afspraken_politie', data.afsprakenPolitie, afwegingId);
    await s.complete('officier', 'Task_afdoening', data.afdoening, afwegingId);
    const contact = await s.taskFor('reclasseerder', 'Task_contact', reclasseringId);
    const contactView = await s.call('GET', `/api/tasks/${contact.id}`, { as: 'reclasseerder' });
    expect(contactView.body.variables).to.include({ bijzondereVoorwaarden: data.afdoening.bijzondereVoorwaarden, toezichtDuurMaanden: 24 });
    expect(contactView.body.variables).to.not.have.any.keys('toelichtingAfdoening', 'afsprakenCasusoverleg');

    await s.complete('reclasseerder', 'Task_contact', { uitkomstContact: 'overtreding', overtredingOmschrijving: 'Contact gezocht met het slachtoffer.', verslagContact: MARKERS.toezicht }, reclasseringId);
    const violation = await s.taskFor('officier', 'Task_overtreding', afwegingId);
    const violationView = await s.call('GET', `/api/tasks/${violation.id}`, { as: 'officier' });
    expect(violationView.body.variables).to.include({ overtredingOmschrijving: 'Contact gezocht met het slachtoffer.' });
    expect(violationView.body.variables).to.not.have.any.keys('verslagContact');
    await s.complete('officier', 'Task_overtreding', data.overtredingBeoordelen, afwegingId);

    await s.complete('reclasseerder', 'Task_contact', data.toezichtcontact, reclasseringId);
    expect(await s.timers(reclasseringId)).to.deep.equal([{ elementId: 'Timer_volgend', dueAt: '2026-06-29T08:00:00.000Z' }]);
    expect(await s.advanceTo('2026-06-29T08:00:00.000Z')).to.equal(1);
    await s.complete('reclasseerder', 'Task_contact', { ...data.toezichtcontact, uitkomstContact: 'afgerond' }, reclasseringId);
    expect((await s.adminCase(reclasseringId)).status).to.equal('completed');
    expect((await s.adminCase(afwegingId)).status).to.equal('completed');
    // The end report of the supervision is for the OM only, like the violations.
    expect((await s.call('GET', `/api/instances/${afwegingId}`, { as: 'officier' })).body.variables).to.include({ eindverslagToezicht: MARKERS.toezicht });
    for (const user of ['rechercheur', 'vt-onderzoeker'] as const) {
      expect((await s.call('GET', `/api/instances/${afwegingId}`, { as: user })).body.variables, user).to.not.have.any.keys('eindverslagToezicht', 'overtredingOmschrijving');
    }
  });

  it('8. Veilig Thuis processes the outcome and hands over; every organisation saw only its own tasks and variables; every hand-over arrived', async () => {
    await s.complete('vt-onderzoeker', 'Task_uitkomst_afweging', data.uitkomstAfweging, meldingId);
    await s.complete('vt-triagist', 'Task_overdracht', data.overdracht, meldingId);
    const opened = await checkBoundaries(s, cases());
    expect(opened).to.deep.include({
      agent: ['zorgmelding-politie'],
      rechercheur: ['zorg-straf-afweging'],
      hulpofficier: ['tijdelijk-huisverbod'],
      burgemeester: ['tijdelijk-huisverbod'],
      officier: ['zorg-straf-afweging'],
      reclasseerder: ['reclasseringsadvies'],
      'vt-frontoffice': ['melding-veilig-thuis'],
      'vt-triagist': ['melding-veilig-thuis'],
      'vt-onderzoeker': ['melding-veilig-thuis', 'tijdelijk-huisverbod', 'zorg-straf-afweging'],
      'vt-teamleider': [],
      raadsonderzoeker: [],
    });
    expect(await s.pendingMessages()).to.deep.equal([]);
  });
});
