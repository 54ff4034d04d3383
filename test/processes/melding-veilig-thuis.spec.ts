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

/** A melding from the police, through the real police process (Wed 22 April 2026, 09:00 UTC). */
async function meldingFromPolice(h: Harness, zorgmelding: Record<string, unknown> = {}) {
  const police = await h.runtime.startInstance({ definitionKey: 'zorgmelding-politie' }, 'agent');
  await complete(h, police.instance.id, 'Task_zorgmelding_opstellen', { ...data.zorgmelding, ...zorgmelding }, 'agent');
  await deliver(h);
  const melding = await onlyInstance(h, 'melding-veilig-thuis');
  return { policeId: police.instance.id, id: melding.id };
}

/** A melding from a professional, registered (Wed 22 April 2026, 09:00 UTC). */
async function meldingFromProfessional(h: Harness) {
  const started = await h.runtime.startInstance({ definitionKey: 'melding-veilig-thuis' }, 'vt-frontoffice');
  const id = started.instance.id;
  await complete(h, id, 'Task_vraag_aannemen', data.vraagAannemen, 'vt-frontoffice');
  await complete(h, id, 'Task_registreren', data.registratie, 'vt-frontoffice');
  return id;
}

describe('process melding-veilig-thuis', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  describe('triage within 5 working days of receipt', () => {
    beforeEach(async () => {
      h = await processHarness({ ids: ['zorgmelding-politie', 'melding-veilig-thuis'] });
    });

    it('brings a police zorgmelding to triage, due 5 working days after receipt across a weekend and King\'s Day', async () => {
      const { id } = await meldingFromPolice(h);
      const registration = await taskAt(h, id, 'Task_registreren');
      expect(registration.candidateGroups).to.deep.equal(['vt-frontoffice']);
      expect(await variablesOf(h, id)).to.include({ ontvangenOp: '2026-04-22T09:00:00.000Z', termijnTriageWerkdagen: 5, soortVraag: 'melding' });

      await complete(h, id, 'Task_registreren', data.registratie, 'vt-frontoffice');
      const triage = await taskAt(h, id, 'Task_triage');
      expect(triage.candidateGroups).to.deep.equal(['vt-triage']);
      expect(triage.formId).to.equal('vt-triage');
      // Wed 22 April + 5 working days: Sat 25, Sun 26 and King's Day Mon 27 April do not count.
      expect(triage.dueAt).to.equal('2026-04-30T09:00:00.000Z');
      expect(await timersOf(h, id)).to.deep.equal([{ elementId: 'Timer_triage_termijn', dueAt: '2026-04-30T09:00:00.000Z' }]);
    });

    it('escalates a missed triage to the team leader while the triage stays open', async () => {
      const { id } = await meldingFromPolice(h);
      await complete(h, id, 'Task_registreren', data.registratie, 'vt-frontoffice');

      expect(await advanceTo(h, '2026-04-30T08:59:59.000Z')).to.equal(0);
      expect(await openElements(h, id)).to.deep.equal(['Task_triage']);
      expect(await advanceTo(h, '2026-04-30T09:00:00.000Z')).to.equal(1);
      expect(await openElements(h, id)).to.deep.equal(['Task_opschalen_triage', 'Task_triage']);
      const escalation = await taskAt(h, id, 'Task_opschalen_triage');
      expect(escalation.candidateGroups).to.deep.equal(['vt-teamleider']);

      await complete(h, id, 'Task_opschalen_triage', data.opschaling, 'vt-teamleider');
      await complete(h, id, 'Task_triage', data.triage, 'vt-triagist');
      expect(await openElements(h, id)).to.deep.equal(['Task_overdracht']);
    });

    it('does not escalate a triage done in time', async () => {
      const { id } = await meldingFromPolice(h);
      await complete(h, id, 'Task_registreren', data.registratie, 'vt-frontoffice');
      await advanceTo(h, '2026-04-29T15:00:00.000Z');
      await complete(h, id, 'Task_triage', data.triage, 'vt-triagist');
      expect((await timersOf(h, id)).map((t) => t.elementId)).to.not.include('Timer_triage_termijn');
      expect(await advanceTo(h, '2026-05-01T09:00:00.000Z')).to.equal(0);
      expect(await openElements(h, id)).to.deep.equal(['Task_overdracht']);
    });

    it('takes a different triage term from the start variables', async () => {
      const started = await h.runtime.startInstance({ definitionKey: 'melding-veilig-thuis', variables: { termijnTriageWerkdagen: 2 } }, 'vt-frontoffice');
      await complete(h, started.instance.id, 'Task_vraag_aannemen', data.vraagAannemen, 'vt-frontoffice');
      await complete(h, started.instance.id, 'Task_registreren', data.registratie, 'vt-frontoffice');
      expect((await taskAt(h, started.instance.id, 'Task_triage')).dueAt).to.equal('2026-04-24T09:00:00.000Z');
    });
  });

  describe('main paths', () => {
    it('ends an advice question after the advice: an advies is not a melding', async () => {
      h = await processHarness({ ids: ['melding-veilig-thuis'] });
      const started = await h.runtime.startInstance({ definitionKey: 'melding-veilig-thuis' }, 'vt-frontoffice');
      const id = started.instance.id;
      expect((await taskAt(h, id, 'Task_vraag_aannemen')).candidateGroups).to.deep.equal(['vt-frontoffice']);
      await complete(h, id, 'Task_vraag_aannemen', { ...data.vraagAannemen, soortVraag: 'advies' }, 'vt-frontoffice');
      expect((await taskAt(h, id, 'Task_advies')).candidateGroups).to.deep.equal(['vt-frontoffice']);
      await complete(h, id, 'Task_advies', data.advies, 'vt-frontoffice');
      expect(await statusOf(h, id)).to.equal('completed');
      const elements = (await h.store.instances.tasksOfInstance(id)).map((t) => t.elementId);
      expect(elements).to.not.include('Task_triage');
    });

    it('feeds back to a non-police melder by task, hands over and follows up at about 3, 12 and 18 months', async () => {
      h = await processHarness({ ids: ['melding-veilig-thuis'] });
      const id = await meldingFromProfessional(h);
      await complete(h, id, 'Task_triage', data.triage, 'vt-triagist');

      const feedback = await taskAt(h, id, 'Task_terugkoppeling_melder');
      expect(feedback.candidateGroups).to.deep.equal(['vt-triage']);
      expect(await outboxOf(h)).to.deep.equal([]);
      await complete(h, id, 'Task_terugkoppeling_melder', data.terugkoppelingMelder, 'vt-triagist');

      expect((await taskAt(h, id, 'Task_overdracht')).candidateGroups).to.deep.equal(['vt-triage']);
      await complete(h, id, 'Task_overdracht', data.overdracht, 'vt-triagist');
      // 09:00 in Amsterdam, 3, 12 and 18 months after the hand-over on 4 May 2026.
      expect(await timersOf(h, id)).to.deep.equal([{ elementId: 'Timer_monitoring_1', dueAt: '2026-08-04T07:00:00.000Z' }]);
      await advanceTo(h, '2026-08-04T07:00:00.000Z');
      expect((await taskAt(h, id, 'Task_monitoring_1')).candidateGroups).to.deep.equal(['vt-onderzoek']);
      await complete(h, id, 'Task_monitoring_1', data.monitoring, 'vt-onderzoeker');
      expect(await timersOf(h, id)).to.deep.equal([{ elementId: 'Timer_monitoring_2', dueAt: '2027-05-04T07:00:00.000Z' }]);
      await advanceTo(h, '2027-05-04T07:00:00.000Z');
      await complete(h, id, 'Task_monitoring_2', data.monitoring, 'vt-onderzoeker');
      expect(await timersOf(h, id)).to.deep.equal([{ elementId: 'Timer_monitoring_3', dueAt: '2027-11-04T08:00:00.000Z' }]);
      await advanceTo(h, '2027-11-04T08:00:00.000Z');
      await complete(h, id, 'Task_monitoring_3', data.monitoring, 'vt-onderzoeker');
      expect(await statusOf(h, id)).to.equal('completed');
    });

    it('sends the police a Terugkoppeling with the decision only, which ends their wait', async () => {
      h = await processHarness({ ids: ['zorgmelding-politie', 'melding-veilig-thuis'] });
      const { id, policeId } = await meldingFromPolice(h);
      await complete(h, id, 'Task_registreren', data.registratie, 'vt-frontoffice');
      await complete(h, id, 'Task_triage', data.triage, 'vt-triagist');

      const feedback = (await outboxOf(h)).find((m) => m.messageName === 'Terugkoppeling')!;
      expect(feedback.correlationKey).to.equal('PL1300-2026000123');
      expect(Object.keys(feedback.variables).sort()).to.deep.equal(['registratienummer', 'terugkoppeling', 'terugkoppelingVerzondenOp', 'vtBesluit', 'vtDossiernummer']);
      expect(feedback.variables).to.include({ vtBesluit: 'overdracht-lokaal-team', vtDossiernummer: 'VT-2026-00042' });
      expect(await openElements(h, id)).to.deep.equal(['Task_overdracht']);

      await deliver(h);
      expect(await openElements(h, policeId)).to.deep.equal(['Task_terugkoppeling_verwerken']);
      expect(await timersOf(h, policeId)).to.deep.equal([]);
    });

    it('closes a melding after triage when no follow-up is needed', async () => {
      h = await processHarness({ ids: ['melding-veilig-thuis'] });
      const id = await meldingFromProfessional(h);
      await complete(h, id, 'Task_triage', { ...data.triage, vervolg: 'afsluiten' }, 'vt-triagist');
      await complete(h, id, 'Task_terugkoppeling_melder', data.terugkoppelingMelder, 'vt-triagist');
      expect(await statusOf(h, id)).to.equal('completed');
    });
  });

  describe('acute danger and crimes', () => {
    it('intervenes at once, asks for a huisverbod, waits for the decision and starts the zorg/straf afweging', async () => {
      h = await processHarness({ ids: ['melding-veilig-thuis', 'tijdelijk-huisverbod', 'zorg-straf-afweging'] });
      const id = await meldingFromProfessional(h);
      await complete(h, id, 'Task_triage', { ...data.triage, acuteOnveiligheid: 'ja', strafbareFeiten: 'ja' }, 'vt-triagist');
      const intervention = await taskAt(h, id, 'Task_direct_ingrijpen');
      expect(intervention.candidateGroups).to.deep.equal(['vt-triage']);
      expect(intervention.dueAt).to.equal('2026-04-22T09:00:00.000Z');
      await complete(h, id, 'Task_direct_ingrijpen', data.directIngrijpen, 'vt-triagist');

      const request = (await outboxOf(h)).find((m) => m.messageName === 'VerzoekHuisverbod')!;
      expect(request.correlationKey).to.equal('VT-2026-00042');
      expect(request.variables).to.deep.equal({
        vtDossiernummer: 'VT-2026-00042',
        registratienummer: null,
        adres: 'Dorpsstraat 1, Utrecht',
        uithuisgeplaatste: 'B (vader, 1988)',
        redenVerzoek: 'Herhaald geweld en dreiging met een mes, kinderen in huis.',
        kinderenInHuis: 'ja',
      });
      await deliver(h);
      const huisverbod = await onlyInstance(h, 'tijdelijk-huisverbod');
      expect(huisverbod.businessKey).to.equal('VT-2026-00042');
      expect(huisverbod.variables).to.include({ verzochtDoorVeiligThuis: true, adres: 'Dorpsstraat 1, Utrecht' });
      // Veilig Thuis waits for the decision before it goes on.
      expect(await openElements(h, id)).to.deep.equal([]);
      expect((await h.store.instances.subscriptionsOfInstance(id)).map((s) => s.messageName)).to.deep.equal(['BesluitHuisverbod']);

      await complete(h, huisverbod.id, 'Task_rihg', data.risicotaxatie, 'hulpofficier');
      await complete(h, huisverbod.id, 'Task_besluit', data.besluitHuisverbod, 'hulpofficier');
      await deliver(h);
      expect(await variablesOf(h, id)).to.include({ huisverbodOpgelegd: true, huisverbodEinde: '2026-05-02T12:00:00.000Z' });

      // Crimes: the zorg/straf afweging starts, Veilig Thuis waits for its outcome in parallel.
      const start = (await outboxOf(h)).find((m) => m.messageName === 'ZorgStrafAfwegingGestart')!;
      expect(start.variables).to.deep.equal({ vtDossiernummer: 'VT-2026-00042', registratienummer: null, acuteOnveiligheid: 'ja' });
      expect(await openElements(h, id)).to.deep.equal(['Task_terugkoppeling_melder']);
      await deliver(h);
      const afweging = await onlyInstance(h, 'zorg-straf-afweging');
      expect(afweging.variables).to.include({ gestartDoor: 'veilig-thuis', vtDossiernummer: 'VT-2026-00042' });
      expect((await h.store.instances.subscriptionsOfInstance(id)).map((s) => s.messageName)).to.deep.equal(['UitkomstZorgStrafAfweging']);

      // The outcome comes back and is processed; the melding goes on meanwhile.
      await complete(h, id, 'Task_terugkoppeling_melder', data.terugkoppelingMelder, 'vt-triagist');
      await complete(h, id, 'Task_overdracht', data.overdracht, 'vt-triagist');
      await h.runtime.correlateMessage(
        { name: 'UitkomstZorgStrafAfweging', correlationKey: 'VT-2026-00042', variables: { interventie: 'strafrechtelijk-en-zorg', afsprakenCasusoverleg: 'OM dagvaardt.' } },
        'om',
      );
      const outcome = await taskAt(h, id, 'Task_uitkomst_afweging');
      expect(outcome.candidateGroups).to.deep.equal(['vt-onderzoek']);
      await complete(h, id, 'Task_uitkomst_afweging', data.uitkomstAfweging, 'vt-onderzoeker');
      expect(await statusOf(h, id)).to.equal('active');
      expect(await timersOf(h, id)).to.deep.equal([{ elementId: 'Timer_monitoring_1', dueAt: '2026-08-04T07:00:00.000Z' }]);
    });
  });

  describe('investigation and the Raad voor de Kinderbescherming', () => {
    it('investigates within 10 weeks, escalating when the term passes, and then asks the Raad, whose report comes back', async () => {
      h = await processHarness({ ids: ['melding-veilig-thuis', 'verzoek-onderzoek-rvdk'] });
      const id = await meldingFromProfessional(h);
      await complete(h, id, 'Task_triage', { ...data.triage, vervolg: 'onderzoek' }, 'vt-triagist');
      await complete(h, id, 'Task_terugkoppeling_melder', data.terugkoppelingMelder, 'vt-triagist');

      const investigation = await taskAt(h, id, 'Task_onderzoek');
      expect(investigation.candidateGroups).to.deep.equal(['vt-onderzoek']);
      expect(investigation.dueAt).to.equal('2026-07-01T09:00:00.000Z');
      expect(await advanceTo(h, '2026-07-01T09:00:00.000Z')).to.equal(1);
      expect(await openElements(h, id)).to.deep.equal(['Task_onderzoek', 'Task_opschalen_onderzoek']);
      expect((await taskAt(h, id, 'Task_opschalen_onderzoek')).candidateGroups).to.deep.equal(['vt-teamleider']);
      await complete(h, id, 'Task_opschalen_onderzoek', data.opschaling, 'vt-teamleider');

      await complete(h, id, 'Task_onderzoek', { ...data.onderzoek, vervolg: 'verzoek-rvdk' }, 'vt-onderzoeker');
      await complete(h, id, 'Task_verzoek_rvdk', data.verzoekRvdk, 'vt-onderzoeker');
      const request = (await outboxOf(h)).find((m) => m.messageName === 'VerzoekOnderzoekRvdK')!;
      expect(request.correlationKey).to.equal('VT-2026-00042');
      expect(Object.keys(request.variables).sort()).to.deep.equal(['ingezetteHulp', 'kinderen', 'vraagAanRaad', 'vtDossiernummer', 'zorgenOverKinderen']);
      await deliver(h);
      const raad = await onlyInstance(h, 'verzoek-onderzoek-rvdk');
      expect(raad.businessKey).to.equal('VT-2026-00042');

      await complete(h, raad.id, 'Task_beoordelen', { ...data.verzoekBeoordelen, besluitOnderzoek: 'niet-starten' }, 'raadsonderzoeker');
      await deliver(h);
      const report = await taskAt(h, id, 'Task_rapportage_rvdk');
      expect(report.candidateGroups).to.deep.equal(['vt-onderzoek']);
      expect(await variablesOf(h, id)).to.include({ besluitOnderzoek: 'niet-starten' });
      await complete(h, id, 'Task_rapportage_rvdk', data.rapportageVerwerken, 'vt-onderzoeker');
      expect(await statusOf(h, id)).to.equal('completed');
    });
  });
});
