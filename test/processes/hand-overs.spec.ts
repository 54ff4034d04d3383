/**
 * One case through all six processes, with every hand-over delivered by the scheduler and
 * time moved by the ManualClock: a police zorgmelding with acute danger and crimes.
 */
import { expect } from 'chai';
import type { Harness } from '../support/runtime-harness.js';
import * as data from './form-data.js';
import {
  advanceTo,
  complete,
  deliver,
  onlyInstance,
  openElements,
  outboxOf,
  processHarness,
  statusOf,
  taskAt,
  timersOf,
  variablesOf,
} from './process-support.js';

describe('hand-overs between the six processes (one case end to end)', () => {
  let h: Harness;
  before(async () => {
    h = await processHarness();
  });
  after(async () => h?.close());

  let policeId: string;
  let meldingId: string;
  let huisverbodId: string;
  let afwegingId: string;

  it('1. a police zorgmelding reaches triage at Veilig Thuis, due 5 working days after receipt (weekend and King\'s Day skipped)', async () => {
    const police = await h.runtime.startInstance({ definitionKey: 'zorgmelding-politie' }, 'agent');
    policeId = police.instance.id;
    await complete(h, policeId, 'Task_zorgmelding_opstellen', data.zorgmelding, 'agent');
    await deliver(h);
    meldingId = (await onlyInstance(h, 'melding-veilig-thuis')).id;
    await complete(h, meldingId, 'Task_registreren', data.registratie, 'vt-frontoffice');
    expect((await taskAt(h, meldingId, 'Task_triage')).dueAt).to.equal('2026-04-30T09:00:00.000Z');
    expect(await timersOf(h, policeId)).to.deep.equal([{ elementId: 'Timer_termijn_terugkoppeling', dueAt: '2026-05-08T09:00:00.000Z' }]);
  });

  it('2. the missed triage deadline escalates to the team leader', async () => {
    await advanceTo(h, '2026-04-30T09:00:00.000Z');
    expect(await openElements(h, meldingId)).to.deep.equal(['Task_opschalen_triage', 'Task_triage']);
    await complete(h, meldingId, 'Task_opschalen_triage', data.opschaling, 'vt-teamleider');
  });

  it('3. the acute case asks for a huisverbod, which the hulpofficier imposes under mandate; Veilig Thuis hears the decision', async () => {
    await advanceTo(h, '2026-04-30T10:00:00.000Z');
    await complete(h, meldingId, 'Task_triage', { ...data.triage, acuteOnveiligheid: 'ja', strafbareFeiten: 'ja' }, 'vt-triagist');
    await complete(h, meldingId, 'Task_direct_ingrijpen', data.directIngrijpen, 'vt-triagist');
    await deliver(h);
    const huisverbod = await onlyInstance(h, 'tijdelijk-huisverbod');
    huisverbodId = huisverbod.id;
    expect(huisverbod.variables).to.include({ registratienummer: 'PL1300-2026000123', vtDossiernummer: 'VT-2026-00042' });
    await complete(h, huisverbodId, 'Task_rihg', data.risicotaxatie, 'hulpofficier');
    await complete(h, huisverbodId, 'Task_besluit', { ...data.besluitHuisverbod, ingangHuisverbod: '2026-04-30T13:00:00+02:00' }, 'hulpofficier');
    await deliver(h);
    expect(await variablesOf(h, meldingId)).to.include({ huisverbodOpgelegd: true, huisverbodEinde: '2026-05-10T11:00:00.000Z' });
  });

  it('4. the crimes start the zorg/straf afweging, and the police get their terugkoppeling, which stops the reminder', async () => {
    // Veilig Thuis went on after the decision: the afweging starts and the police hear back.
    await deliver(h);
    afwegingId = (await onlyInstance(h, 'zorg-straf-afweging')).id;
    expect(await openElements(h, afwegingId)).to.deep.equal(['Task_informatie_politie', 'Task_informatie_vt']);
    expect(await openElements(h, policeId)).to.deep.equal(['Task_terugkoppeling_verwerken']);
    expect(await timersOf(h, policeId)).to.deep.equal([]);
    expect(await advanceTo(h, '2026-05-08T09:00:00.000Z')).to.be.a('number');
    expect(await openElements(h, policeId)).to.deep.equal(['Task_terugkoppeling_verwerken']);
    await complete(h, policeId, 'Task_terugkoppeling_verwerken', data.terugkoppelingVerwerken, 'agent');
    expect(await statusOf(h, policeId)).to.equal('completed');
  });

  it('5. the officier cannot decide before Veilig Thuis\'s information has arrived', async () => {
    await complete(h, afwegingId, 'Task_informatie_politie', data.informatiePolitie, 'rechercheur');
    expect(await openElements(h, afwegingId)).to.deep.equal(['Task_informatie_vt']);
    await complete(h, afwegingId, 'Task_informatie_vt', data.informatieVt, 'vt-onderzoeker');
    expect(await openElements(h, afwegingId)).to.deep.equal(['Task_besluit_om']);
  });

  it('6. the outcome reaches Veilig Thuis and the police; the reclassering advises the OM before the hearing', async () => {
    await complete(h, afwegingId, 'Task_besluit_om', data.besluitOm, 'officier');
    await deliver(h);
    expect(await openElements(h, meldingId)).to.include('Task_uitkomst_afweging');
    expect(await openElements(h, afwegingId)).to.deep.equal(['Task_afspraken_politie']);
    const reclassering = await onlyInstance(h, 'reclasseringsadvies');
    expect((await taskAt(h, reclassering.id, 'Task_advies')).dueAt).to.equal('2026-06-08T23:59:59.000Z');
    await complete(h, reclassering.id, 'Task_advies', data.reclasseringsadvies, 'reclasseerder');
    await deliver(h);
    expect(await openElements(h, afwegingId)).to.deep.equal(['Task_afdoening', 'Task_afspraken_politie']);
  });

  it('7. the huisverbod is extended by the mayor after Veilig Thuis\'s day-8 advice and ends at day 28', async () => {
    await complete(h, huisverbodId, 'Task_hulp', data.hulpStarten, 'vt-onderzoeker');
    // The clock passed day 8 (7 May, 13:00 in Amsterdam) in step 4: Veilig Thuis has the advice task since.
    const advice = await taskAt(h, huisverbodId, 'Task_advies_verlenging');
    expect(advice.dueAt).to.equal('2026-05-08T11:00:00.000Z');
    const fired = (await h.store.instances.history(huisverbodId)).filter((e) => e.type === 'timer-fired').map((e) => [e.elementId, e.data?.dueAt]);
    expect(fired).to.deep.equal([['Timer_dag8', '2026-05-07T11:00:00.000Z']]);
    await complete(h, huisverbodId, 'Task_advies_verlenging', data.adviesVerlenging, 'vt-onderzoeker');
    await complete(h, huisverbodId, 'Task_besluit_verlenging', data.besluitVerlenging, 'burgemeester');
    expect(await timersOf(h, huisverbodId)).to.deep.equal([{ elementId: 'Timer_einde_verlengd', dueAt: '2026-05-28T11:00:00.000Z' }]);
    // Day 10 passes without ending it.
    await advanceTo(h, '2026-05-10T11:00:00.000Z');
    expect(await timersOf(h, huisverbodId)).to.deep.equal([{ elementId: 'Timer_einde_verlengd', dueAt: '2026-05-28T11:00:00.000Z' }]);
    await advanceTo(h, '2026-05-28T11:00:00.000Z');
    expect(await timersOf(h, huisverbodId)).to.deep.equal([{ elementId: 'Timer_monitoring_1', dueAt: '2026-07-30T11:00:00.000Z' }]);
  });

  it('8. every message found its receiver', async () => {
    await complete(h, meldingId, 'Task_uitkomst_afweging', data.uitkomstAfweging, 'vt-onderzoeker');
    const outbox = await outboxOf(h);
    expect(outbox.map((m) => m.messageName).sort()).to.deep.equal(
      ['BesluitHuisverbod', 'Reclasseringsadvies', 'Terugkoppeling', 'UitkomstZorgStrafAfweging', 'VerzoekHuisverbod', 'VerzoekReclasseringsadvies', 'ZorgStrafAfwegingGestart', 'Zorgmelding'].sort(),
    );
    expect(outbox.every((m) => m.state === 'delivered'), JSON.stringify(outbox.map((m) => [m.messageName, m.state]))).to.equal(true);
  });
});
