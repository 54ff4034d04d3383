import { expect } from 'chai';
import type { Harness } from '../support/runtime-harness.js';
import * as data from './form-data.js';
import {
  complete,
  deliver,
  onlyInstance,
  openElements,
  outboxOf,
  processHarness,
  statusOf,
  taskAt,
  variablesOf,
} from './process-support.js';

/** Starts the afweging as Veilig Thuis does: message ZorgStrafAfwegingGestart with the dossier number. */
async function startedByVeiligThuis(h: Harness) {
  const result = await h.runtime.correlateMessage(
    { name: 'ZorgStrafAfwegingGestart', correlationKey: 'VT-2026-00042', variables: { vtDossiernummer: 'VT-2026-00042', registratienummer: null, acuteOnveiligheid: 'ja' } },
    'veilig-thuis',
  );
  return result.started[0].instanceId;
}

describe('process zorg-straf-afweging', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('collects the information of police and Veilig Thuis in parallel, each due in 5 working days', async () => {
    h = await processHarness({ ids: ['zorg-straf-afweging'] });
    const id = await startedByVeiligThuis(h);
    expect(await openElements(h, id)).to.deep.equal(['Task_informatie_politie', 'Task_informatie_vt']);
    const police = await taskAt(h, id, 'Task_informatie_politie');
    const vt = await taskAt(h, id, 'Task_informatie_vt');
    expect(police.candidateGroups).to.deep.equal(['politie-hgkm']);
    expect(vt.candidateGroups).to.deep.equal(['vt-onderzoek']);
    expect(police.dueAt).to.equal('2026-04-30T09:00:00.000Z');
    expect(vt.dueAt).to.equal('2026-04-30T09:00:00.000Z');
    expect((await h.store.instances.get(id))?.businessKey).to.equal('VT-2026-00042');
  });

  it('does not let the officier decide before Veilig Thuis\'s information is in', async () => {
    h = await processHarness({ ids: ['zorg-straf-afweging'] });
    const id = await startedByVeiligThuis(h);
    await complete(h, id, 'Task_informatie_politie', data.informatiePolitie, 'rechercheur');
    expect(await openElements(h, id)).to.deep.equal(['Task_informatie_vt']);

    await complete(h, id, 'Task_informatie_vt', data.informatieVt, 'vt-onderzoeker');
    const decision = await taskAt(h, id, 'Task_besluit_om');
    expect(decision.candidateGroups).to.deep.equal(['om-officier']);
    // 10 working days from Wed 22 April: King's Day and Liberation Day do not count.
    expect(decision.dueAt).to.equal('2026-05-08T09:00:00.000Z');
  });

  it('does not let the officier decide on the police information alone, whatever the order', async () => {
    h = await processHarness({ ids: ['zorg-straf-afweging'] });
    const id = await startedByVeiligThuis(h);
    await complete(h, id, 'Task_informatie_vt', data.informatieVt, 'vt-onderzoeker');
    expect(await openElements(h, id)).to.deep.equal(['Task_informatie_politie']);
    await complete(h, id, 'Task_informatie_politie', data.informatiePolitie, 'rechercheur');
    expect(await openElements(h, id)).to.deep.equal(['Task_besluit_om']);
  });

  it('gives every party the outcome: Veilig Thuis by message when it started, the police by a task', async () => {
    h = await processHarness({ ids: ['zorg-straf-afweging'] });
    const id = await startedByVeiligThuis(h);
    await complete(h, id, 'Task_informatie_politie', data.informatiePolitie, 'rechercheur');
    await complete(h, id, 'Task_informatie_vt', data.informatieVt, 'vt-onderzoeker');
    await complete(h, id, 'Task_besluit_om', { ...data.besluitOm, interventie: 'alleen-zorg', parketnummer: undefined, reclasseringsadviesNodig: undefined, zittingsdatum: undefined, vraagstellingReclassering: undefined }, 'officier');

    const outcome = (await outboxOf(h)).find((m) => m.messageName === 'UitkomstZorgStrafAfweging')!;
    expect(outcome.correlationKey).to.equal('VT-2026-00042');
    expect(outcome.variables).to.deep.equal({
      vtDossiernummer: 'VT-2026-00042',
      interventie: 'alleen-zorg',
      afsprakenCasusoverleg: data.besluitOm.afsprakenCasusoverleg,
    });
    expect(await openElements(h, id)).to.deep.equal(['Task_afspraken_politie']);
    expect((await taskAt(h, id, 'Task_afspraken_politie')).candidateGroups).to.deep.equal(['politie-hgkm']);
    await complete(h, id, 'Task_afspraken_politie', data.afsprakenPolitie, 'rechercheur');
    expect(await statusOf(h, id)).to.equal('completed');
  });

  it('lets the police start it by hand, with Veilig Thuis processing the outcome in a task', async () => {
    h = await processHarness({ ids: ['zorg-straf-afweging'] });
    const started = await h.runtime.startInstance({ definitionKey: 'zorg-straf-afweging' }, 'rechercheur');
    const id = started.instance.id;
    expect(started.instance.variables).to.include({ gestartDoor: 'politie', termijnInformatieWerkdagen: 5 });
    await complete(h, id, 'Task_informatie_politie', data.informatiePolitie, 'rechercheur');
    await complete(h, id, 'Task_informatie_vt', { ...data.informatieVt, vtDossiernummer: 'VT-2026-00077' }, 'vt-onderzoeker');
    await complete(h, id, 'Task_besluit_om', { ...data.besluitOm, reclasseringsadviesNodig: 'nee', zittingsdatum: undefined, vraagstellingReclassering: undefined }, 'officier');

    expect(await openElements(h, id)).to.deep.equal(['Task_afspraken_politie', 'Task_uitkomst_vt']);
    expect((await taskAt(h, id, 'Task_uitkomst_vt')).candidateGroups).to.deep.equal(['vt-onderzoek']);
    expect((await outboxOf(h)).map((m) => m.messageName)).to.deep.equal([]);
    await complete(h, id, 'Task_uitkomst_vt', data.uitkomstVt, 'vt-onderzoeker');
    await complete(h, id, 'Task_afspraken_politie', data.afsprakenPolitie, 'rechercheur');
    expect(await statusOf(h, id)).to.equal('completed');
  });

  it('asks the reclassering for advice with only what it needs, and settles the case after the advice arrives', async () => {
    h = await processHarness({ ids: ['zorg-straf-afweging', 'reclasseringsadvies'] });
    const id = await startedByVeiligThuis(h);
    await complete(h, id, 'Task_informatie_politie', data.informatiePolitie, 'rechercheur');
    await complete(h, id, 'Task_informatie_vt', data.informatieVt, 'vt-onderzoeker');
    await complete(h, id, 'Task_besluit_om', data.besluitOm, 'officier');

    const request = (await outboxOf(h)).find((m) => m.messageName === 'VerzoekReclasseringsadvies')!;
    expect(request.correlationKey).to.equal('16/123456-26');
    // No investigation details, antecedents or care information go to the reclassering.
    expect(request.variables).to.deep.equal({
      parketnummer: '16/123456-26',
      verdachte: 'B (1988)',
      tenlastelegging: 'Mishandeling van partner en bedreiging met een mes.',
      zittingsdatum: '2026-06-15',
      vraagstelling: 'Advies over voorwaarden en toezicht.',
    });
    await deliver(h);
    const reclassering = await onlyInstance(h, 'reclasseringsadvies');
    expect(reclassering.businessKey).to.equal('16/123456-26');
    expect(reclassering.variables).to.not.have.any.keys('opsporingsinformatie', 'antecedentenVerdachte', 'veiligheidssituatie');

    await complete(h, reclassering.id, 'Task_advies', data.reclasseringsadvies, 'reclasseerder');
    await deliver(h);
    const settle = await taskAt(h, id, 'Task_afdoening');
    expect(settle.candidateGroups).to.deep.equal(['om-officier']);
    expect(settle.dueAt).to.equal('2026-06-15T23:59:59.000Z');
    expect(await variablesOf(h, id)).to.include({ adviesSoort: 'toezicht-bijzondere-voorwaarden', risicoInschatting: 'gemiddeld' });
  });

  it('follows supervision: judges each reported violation and ends when the reclassering reports the end', async () => {
    h = await processHarness({ ids: ['zorg-straf-afweging'] });
    const id = await startedByVeiligThuis(h);
    await complete(h, id, 'Task_informatie_politie', data.informatiePolitie, 'rechercheur');
    await complete(h, id, 'Task_informatie_vt', data.informatieVt, 'vt-onderzoeker');
    await complete(h, id, 'Task_besluit_om', data.besluitOm, 'officier');
    await complete(h, id, 'Task_afspraken_politie', data.afsprakenPolitie, 'rechercheur');
    await h.runtime.correlateMessage({ name: 'Reclasseringsadvies', correlationKey: '16/123456-26', variables: { adviesSoort: 'toezicht-bijzondere-voorwaarden' } }, 'reclassering');
    await complete(h, id, 'Task_afdoening', data.afdoening, 'officier');

    const order = (await outboxOf(h)).find((m) => m.messageName === 'OpdrachtToezicht')!;
    expect(order.variables).to.deep.equal({ parketnummer: '16/123456-26', bijzondereVoorwaarden: data.afdoening.bijzondereVoorwaarden, toezichtDuurMaanden: 24 });
    const waits = async () => (await h.store.instances.subscriptionsOfInstance(id)).map((s) => s.messageName).sort();
    expect(await waits()).to.deep.equal(['EindeToezicht', 'OvertredingToezicht']);

    for (let i = 0; i < 2; i++) {
      await h.runtime.correlateMessage({ name: 'OvertredingToezicht', correlationKey: '16/123456-26', variables: { overtredingOmschrijving: 'Contactverbod overtreden.' } }, 'reclassering');
      expect(await waits()).to.deep.equal([]);
      expect((await taskAt(h, id, 'Task_overtreding')).candidateGroups).to.deep.equal(['om-officier']);
      await complete(h, id, 'Task_overtreding', data.overtredingBeoordelen, 'officier');
      expect(await waits()).to.deep.equal(['EindeToezicht', 'OvertredingToezicht']);
    }
    await h.runtime.correlateMessage({ name: 'EindeToezicht', correlationKey: '16/123456-26', variables: { eindverslagToezicht: 'Toezicht zonder verdere problemen afgerond.' } }, 'reclassering');
    expect(await statusOf(h, id)).to.equal('completed');
  });

  it('keeps investigation details for police and OM and care details for Veilig Thuis and OM', async () => {
    h = await processHarness({ ids: ['zorg-straf-afweging'] });
    const version = await h.store.definitions.getLatest('zorg-straf-afweging');
    expect(version?.settings).to.deep.include({ starterGroups: ['politie-hgkm'], retentionDays: 3650 });
    const visibility = (version?.settings as { visibility: Record<string, string[]> }).visibility;
    expect(visibility.opsporingsinformatie).to.deep.equal(['politie', 'om']);
    expect(visibility.antecedentenVerdachte).to.deep.equal(['politie', 'om']);
    expect(visibility.veiligheidssituatie).to.deep.equal(['veilig-thuis', 'om']);
    expect(visibility.adviesTekst).to.deep.equal(['om']);
  });
});
