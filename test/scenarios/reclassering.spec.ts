/**
 * The zorg/straf afweging started by the police, and the reclassering advice loop with
 * its deadline paths, through the HTTP API: the officier waits for both parties'
 * information, Veilig Thuis processes the outcome in a task, the reclassering warns when
 * the advice is late, and ends without supervision when no order comes within 90 days of
 * the hearing. Wednesday 22 April 2026, 09:00 UTC; hearing Monday 15 June 2026.
 */
import { expect } from 'chai';
import * as data from './scenario-data.js';
import { checkBoundaries, failedFields, MARKERS, startScenario, type Scenario } from './scenario-kit.js';

const PARKET = '16/654321-26';

describe('scenario: zorg/straf afweging started by the police, and the reclassering advice loop (HTTP API, demo users)', () => {
  let s: Scenario;
  before(async () => {
    s = await startScenario();
  });
  after(async () => s?.close());

  let afwegingId: string;
  let reclasseringId: string;
  let careOnlyId: string;

  it('lets only the police HGKM start an afweging by hand; both parties bring their information within 5 working days', async () => {
    for (const user of ['agent', 'vt-onderzoeker', 'officier'] as const) {
      expect((await s.call('POST', '/api/instances', { as: user, json: { definitionKey: 'zorg-straf-afweging' } })).status, user).to.equal(403);
    }
    afwegingId = await s.start('rechercheur', 'zorg-straf-afweging');
    const police = await s.taskFor('rechercheur', 'Task_informatie_politie', afwegingId);
    const vt = await s.taskFor('vt-onderzoeker', 'Task_informatie_vt', afwegingId);
    expect(police.dueAt).to.equal('2026-04-30T09:00:00.000Z');
    expect(vt.dueAt).to.equal('2026-04-30T09:00:00.000Z');
    expect((await s.call('GET', `/api/instances/${afwegingId}`, { as: 'rechercheur' })).body.variables).to.include({ gestartDoor: 'politie' });
  });

  it('does not let the officier decide on Veilig Thuis\'s information alone either: the decision waits for both', async () => {
    const vt = await s.taskFor('vt-onderzoeker', 'Task_informatie_vt', afwegingId);
    const wrong = await s.call('POST', `/api/tasks/${vt.id}/complete`, {
      as: 'vt-onderzoeker',
      json: { variables: { ...data.informatieVt, vtDossiernummer: 'VT-26', adviesVeiligThuis: 'geen' } },
    });
    expect(failedFields(wrong)).to.deep.equal(['adviesVeiligThuis', 'vtDossiernummer']);
    await s.complete('vt-onderzoeker', 'Task_informatie_vt', { ...data.informatieVt, vtDossiernummer: 'VT-2026-00888' }, afwegingId);
    expect(await s.inbox('officier')).to.deep.equal([]);
    expect((await s.call('GET', `/api/instances/${afwegingId}`, { as: 'officier' })).status).to.equal(404);

    await s.advanceTo('2026-04-23T09:00:00.000Z');
    await s.complete('rechercheur', 'Task_informatie_politie', data.informatiePolitie, afwegingId);
    const decision = await s.taskFor('officier', 'Task_besluit_om', afwegingId);
    expect(decision.dueAt).to.equal('2026-05-11T09:00:00.000Z');
  });

  it('asks the reclassering for advice; the advice is due 5 working days before the hearing', async () => {
    await s.complete('officier', 'Task_besluit_om', { ...data.besluitOm, parketnummer: PARKET }, afwegingId);
    // Started by the police: Veilig Thuis processes the outcome in a task of its own.
    const outcome = await s.taskFor('vt-onderzoeker', 'Task_uitkomst_vt', afwegingId);
    expect(outcome.candidateGroups).to.deep.equal(['vt-onderzoek']);

    const advice = await s.taskFor('reclasseerder', 'Task_advies');
    reclasseringId = advice.instanceId;
    expect(advice).to.include({ businessKey: PARKET, dueAt: '2026-06-08T23:59:59.000Z' });
    expect(await s.timers(reclasseringId)).to.deep.equal([{ elementId: 'Timer_advies_termijn', dueAt: '2026-06-08T07:00:00.000Z' }]);
    const view = await s.call('GET', `/api/instances/${reclasseringId}`, { as: 'reclasseerder' });
    expect(Object.keys(view.body.variables)).to.include.members(['parketnummer', 'verdachte', 'tenlastelegging', 'zittingsdatum', 'vraagstelling']);
    expect(view.body.variables).to.not.have.any.keys('opsporingsinformatie', 'antecedentenVerdachte', 'veiligheidssituatie', 'hulpverlening', 'zorgenKinderen', 'afsprakenCasusoverleg');
  });

  it('has the reclassering inform the OM when the advice is not ready by the term, and sends the advice after', async () => {
    expect(await s.advanceTo('2026-06-08T06:59:00.000Z')).to.equal(0);
    expect(await s.advanceTo('2026-06-08T07:00:00.000Z')).to.equal(1);
    const delay = await s.taskFor('reclasseerder', 'Task_vertraging', reclasseringId);
    const wrong = await s.call('POST', `/api/tasks/${delay.id}/complete`, { as: 'reclasseerder', json: { variables: { toelichtingVertraging: 'Later.' } } });
    expect(failedFields(wrong)).to.deep.equal(['toelichtingVertraging', 'verwachteDatumAdvies']);
    await s.complete('reclasseerder', 'Task_vertraging', data.vertraging, reclasseringId);
    await s.taskFor('reclasseerder', 'Task_advies', reclasseringId);
    expect(await s.inbox('officier')).to.deep.equal([]);

    await s.advanceTo('2026-06-10T09:00:00.000Z');
    await s.complete('reclasseerder', 'Task_advies', { ...data.reclasseringsadvies, adviesSoort: 'behandeling' }, reclasseringId);
    const settle = await s.taskFor('officier', 'Task_afdoening', afwegingId);
    const view = await s.call('GET', `/api/tasks/${settle.id}`, { as: 'officier' });
    expect(view.body.variables).to.include({ adviesSoort: 'behandeling', adviesTekst: MARKERS.reclAdvies });
  });

  it('settles without supervision; the reclassering ends 90 days after the hearing when no order came', async () => {
    const settle = await s.taskFor('officier', 'Task_afdoening', afwegingId);
    const wrong = await s.call('POST', `/api/tasks/${settle.id}/complete`, {
      as: 'officier',
      json: { variables: { ...data.afdoening, toezichtReclassering: 'ja', toezichtDuurMaanden: 61 } },
    });
    expect(failedFields(wrong)).to.deep.equal(['toezichtDuurMaanden']);
    await s.complete('officier', 'Task_afdoening', { afdoening: 'strafbeschikking', toezichtReclassering: 'nee', toelichtingAfdoening: 'Strafbeschikking met behandeling.' }, afwegingId);
    await s.complete('rechercheur', 'Task_afspraken_politie', data.afsprakenPolitie, afwegingId);
    await s.complete('vt-onderzoeker', 'Task_uitkomst_vt', data.uitkomstVt, afwegingId);
    expect((await s.adminCase(afwegingId)).status).to.equal('completed');

    expect(await s.timers(reclasseringId)).to.deep.equal([{ elementId: 'Timer_geen_opdracht', dueAt: '2026-09-13T07:00:00.000Z' }]);
    expect(await s.advanceTo('2026-09-13T06:59:00.000Z')).to.equal(0);
    expect(await s.advanceTo('2026-09-13T07:00:00.000Z')).to.equal(1);
    expect((await s.adminCase(reclasseringId)).status).to.equal('completed');
  });

  it('decides on care only: no parketnummer, no reclassering; Veilig Thuis and the police each get the outcome', async () => {
    careOnlyId = await s.start('rechercheur', 'zorg-straf-afweging');
    await s.complete('rechercheur', 'Task_informatie_politie', data.informatiePolitie, careOnlyId);
    await s.complete('vt-onderzoeker', 'Task_informatie_vt', { ...data.informatieVt, vtDossiernummer: 'VT-2026-00889', adviesVeiligThuis: 'zorg' }, careOnlyId);
    const decision = await s.taskFor('officier', 'Task_besluit_om', careOnlyId);
    const careOnly = { interventie: 'alleen-zorg', afsprakenCasusoverleg: 'Geen strafrechtelijke vervolging; Veilig Thuis zet hulp voort en monitort.' };
    const wrong = await s.call('POST', `/api/tasks/${decision.id}/complete`, { as: 'officier', json: { variables: { ...careOnly, parketnummer: PARKET } } });
    // With care only the parketnummer field is hidden: it must not be sent.
    expect(failedFields(wrong)).to.deep.equal(['parketnummer']);
    await s.complete('officier', 'Task_besluit_om', careOnly, careOnlyId);
    expect(await s.openElements(careOnlyId)).to.deep.equal(['Task_afspraken_politie', 'Task_uitkomst_vt']);
    expect((await s.inbox('reclasseerder')).filter((task) => task.instanceId !== reclasseringId)).to.deep.equal([]);
    await s.complete('vt-onderzoeker', 'Task_uitkomst_vt', data.uitkomstVt, careOnlyId);
    await s.complete('rechercheur', 'Task_afspraken_politie', data.afsprakenPolitie, careOnlyId);
    expect((await s.adminCase(careOnlyId)).status).to.equal('completed');
  });

  it('refuses hand-over messages from case workers: only an organisation\'s own system (administrator) posts them', async () => {
    for (const user of ['reclasseerder', 'officier', 'vt-triagist', 'agent'] as const) {
      const answer = await s.call('POST', '/api/messages', { as: user, json: { name: 'OpdrachtToezicht', correlationKey: PARKET, variables: {} } });
      expect(answer.status, user).to.equal(403);
    }
  });

  it('kept every organisation to its own tasks and variables', async () => {
    const opened = await checkBoundaries(s, [afwegingId, reclasseringId, careOnlyId]);
    expect(opened).to.deep.include({
      rechercheur: ['zorg-straf-afweging', 'zorg-straf-afweging'],
      'vt-onderzoeker': ['zorg-straf-afweging', 'zorg-straf-afweging'],
      officier: ['zorg-straf-afweging', 'zorg-straf-afweging'],
      reclasseerder: ['reclasseringsadvies'],
      agent: [],
      'vt-triagist': [],
      burgemeester: [],
    });
    expect(await s.pendingMessages()).to.deep.equal([]);
  });
});
