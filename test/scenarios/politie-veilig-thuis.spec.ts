/**
 * Scenarios through the HTTP API: a police zorgmelding to Veilig Thuis and the
 * terugkoppeling back (zorgmelding-politie, melding-veilig-thuis), and meldingen and
 * advice questions taken in by Veilig Thuis's front office. Wednesday 22 April 2026,
 * 09:00 UTC; Monday 27 April is King's Day, Tuesday 5 May Liberation Day.
 */
import { expect } from 'chai';
import * as data from './scenario-data.js';
import { checkBoundaries, failedFields, startScenario, type Scenario } from './scenario-kit.js';

describe('scenario: police zorgmelding and Veilig Thuis (HTTP API, demo users)', () => {
  describe('a zorgmelding reaches triage, a missed triage escalates, the terugkoppeling stops the police reminder', () => {
    // One server per story, starting on Wednesday 22 April 2026, 09:00 UTC.
    let s: Scenario;
    before(async () => {
      s = await startScenario();
    });
    after(async () => s?.close());

    const registratienummer = 'PL1300-2026000123';
    let policeId: string;
    let meldingId: string;

    it('lets the agent start a zorgmelding, due within one working day', async () => {
      policeId = await s.start('agent', 'zorgmelding-politie');
      const task = await s.taskFor('agent', 'Task_zorgmelding_opstellen', policeId);
      expect(task).to.include({ definitionKey: 'zorgmelding-politie', formId: 'politie-zorgmelding-opstellen', dueAt: '2026-04-23T09:00:00.000Z' });
      expect(task.candidateGroups).to.deep.equal(['politie-basisteam']);
      const detail = await s.call('GET', `/api/tasks/${task.id}`, { as: 'agent' });
      expect(detail.body.form.id).to.equal('politie-zorgmelding-opstellen');
      expect(detail.body.variables).to.deep.include({ termijnTerugkoppelingWerkdagen: 10, termijnHerinneringWerkdagen: 5 });
    });

    it('refuses a wrong zorgmelding with 422, naming each wrong field, and changes nothing', async () => {
      const task = await s.taskFor('agent', 'Task_zorgmelding_opstellen', policeId);
      const wrong = await s.call('POST', `/api/tasks/${task.id}/complete`, {
        as: 'agent',
        json: {
          variables: {
            ...data.zorgmelding,
            registratienummer: '123', // pattern PL....-......
            omschrijving: 'Ruzie', // at least 30 characters
            kinderenInHuis: 'misschien', // not an option
            incidentAdres: undefined, // required
            wapenType: 'mes', // not in the form
            // kinderen is hidden unless kinderenInHuis is "ja": hidden fields must not be sent
          },
        },
      });
      expect(wrong.body.error.code).to.equal('form_invalid');
      expect(failedFields(wrong)).to.deep.equal(['incidentAdres', 'kinderen', 'kinderenInHuis', 'omschrijving', 'registratienummer', 'wapenType']);
      expect(wrong.body.error.details.find((detail: any) => detail.path === 'kinderen').rule).to.equal('hidden');
      const empty = await s.call('POST', `/api/tasks/${task.id}/complete`, { as: 'agent', json: { variables: {} } });
      expect(failedFields(empty)).to.include.members(['registratienummer', 'incidentMoment', 'omschrijving', 'acuteDreiging', 'contactpersoonPolitie']);
      expect(await s.openElements(policeId)).to.deep.equal(['Task_zorgmelding_opstellen']);
      expect(await s.pendingMessages()).to.deep.equal([]);
      expect(await s.inbox('vt-frontoffice')).to.deep.equal([]);
    });

    it('sends the zorgmelding: Veilig Thuis registers it and the triage is due 5 working days after receipt, across the weekend and King\'s Day', async () => {
      await s.complete('agent', 'Task_zorgmelding_opstellen', data.zorgmelding, policeId);
      const police = await s.call('GET', `/api/instances/${policeId}`, { as: 'agent' });
      expect(police.body.timers).to.deep.equal([{ elementId: 'Timer_termijn_terugkoppeling', dueAt: '2026-05-08T09:00:00.000Z' }]);

      const registration = await s.taskFor('vt-frontoffice', 'Task_registreren');
      meldingId = registration.instanceId;
      expect(registration).to.include({ definitionKey: 'melding-veilig-thuis', businessKey: registratienummer });
      const melding = await s.call('GET', `/api/instances/${meldingId}`, { as: 'vt-frontoffice' });
      expect(melding.body.variables).to.include({ bron: 'politie', registratienummer, ontvangenOp: '2026-04-22T09:00:00.000Z', eerdereIncidenten: data.zorgmelding.eerdereIncidenten });

      await s.complete('vt-frontoffice', 'Task_registreren', data.registratie, meldingId);
      const triage = await s.taskFor('vt-triagist', 'Task_triage', meldingId);
      expect(triage.candidateGroups).to.deep.equal(['vt-triage']);
      expect(triage.formId).to.equal('vt-triage');
      // Wed 22 April + 5 working days: Sat 25, Sun 26 and King's Day Mon 27 April do not count.
      expect(triage.dueAt).to.equal('2026-04-30T09:00:00.000Z');
      expect(await s.timers(meldingId)).to.deep.equal([{ elementId: 'Timer_triage_termijn', dueAt: '2026-04-30T09:00:00.000Z' }]);

      const opened = await checkBoundaries(s, [policeId, meldingId]);
      expect(opened).to.deep.include({ agent: ['zorgmelding-politie'], 'vt-frontoffice': ['melding-veilig-thuis'], 'vt-triagist': ['melding-veilig-thuis'], 'vt-teamleider': [], officier: [] });
    });

    it('escalates the triage to the team leader when the 5 working days pass, and keeps the triage open', async () => {
      expect(await s.advanceTo('2026-04-30T08:59:59.000Z')).to.equal(0);
      expect(await s.inbox('vt-teamleider')).to.deep.equal([]);
      expect(await s.advanceTo('2026-04-30T09:00:00.000Z')).to.equal(1);
      const escalation = await s.taskFor('vt-teamleider', 'Task_opschalen_triage', meldingId);
      expect(escalation.candidateGroups).to.deep.equal(['vt-teamleider']);
      await s.taskFor('vt-triagist', 'Task_triage', meldingId);
      // The triagist cannot do the team leader's task.
      expect((await s.call('POST', `/api/tasks/${escalation.id}/complete`, { as: 'vt-triagist', json: { variables: data.opschaling } })).status).to.equal(404);
      await s.complete('vt-teamleider', 'Task_opschalen_triage', data.opschaling, meldingId);
      expect(await s.openElements(meldingId)).to.deep.equal(['Task_triage']);
    });

    it('sends the police the terugkoppeling with the decision only, which ends their wait and reminder', async () => {
      await s.advanceTo('2026-04-30T11:00:00.000Z');
      // The triage is past its due date in the triagist's inbox.
      expect((await s.inbox('vt-triagist', { overdue: 'true' })).map((task) => task.elementId)).to.deep.equal(['Task_triage']);
      const wrong = await s.call('POST', `/api/tasks/${(await s.taskFor('vt-triagist', 'Task_triage', meldingId)).id}/complete`, {
        as: 'vt-triagist',
        json: { variables: { ...data.triage, vervolg: 'later', onderbouwingTriage: 'te kort' } },
      });
      expect(failedFields(wrong)).to.deep.equal(['onderbouwingTriage', 'vervolg']);

      await s.complete('vt-triagist', 'Task_triage', data.triage, meldingId);
      const processing = await s.taskFor('agent', 'Task_terugkoppeling_verwerken', policeId);
      expect(processing.candidateGroups).to.deep.equal(['politie-basisteam']);
      const police = await s.call('GET', `/api/instances/${policeId}`, { as: 'agent' });
      expect(police.body.timers).to.deep.equal([]);
      expect(police.body.variables).to.include({ vtBesluit: 'overdracht-lokaal-team', vtDossiernummer: data.registratie.vtDossiernummer, terugkoppeling: data.triage.terugkoppelingAanMelder });
      expect(police.body.variables).to.not.have.any.keys('onderbouwingTriage', 'melderNaam', 'acuteOnveiligheid', 'betrokkenen');

      // The day the reminder would have come passes without a task for the police.
      expect(await s.advanceTo('2026-05-08T09:00:00.000Z')).to.equal(0);
      expect((await s.inbox('agent')).map((task) => task.elementId)).to.deep.equal(['Task_terugkoppeling_verwerken']);
      const done = await s.complete('agent', 'Task_terugkoppeling_verwerken', data.terugkoppelingVerwerken, policeId);
      expect(done.instance.status).to.equal('completed');
    });

    it('hands over to the local team and follows up at about 3, 12 and 18 months', async () => {
      await s.complete('vt-triagist', 'Task_overdracht', data.overdracht, meldingId);
      for (const [n, due] of [[1, '2026-08-04T07:00:00.000Z'], [2, '2027-05-04T07:00:00.000Z'], [3, '2027-11-04T08:00:00.000Z']] as const) {
        expect(await s.timers(meldingId)).to.deep.equal([{ elementId: `Timer_monitoring_${n}`, dueAt: due }]);
        expect(await s.inbox('vt-onderzoeker')).to.deep.equal([]);
        await s.advanceTo(due);
        await s.complete('vt-onderzoeker', `Task_monitoring_${n}`, data.monitoring, meldingId);
      }
      expect((await s.adminCase(meldingId)).status).to.equal('completed');
    });

    it('kept every organisation to its own tasks and variables', async () => {
      const opened = await checkBoundaries(s, [policeId, meldingId]);
      expect(opened).to.deep.include({
        agent: ['zorgmelding-politie'],
        'vt-frontoffice': ['melding-veilig-thuis'],
        'vt-triagist': ['melding-veilig-thuis'],
        'vt-onderzoeker': ['melding-veilig-thuis'],
        'vt-teamleider': ['melding-veilig-thuis'],
        rechercheur: [],
        hulpofficier: [],
        officier: [],
        raadsonderzoeker: [],
        reclasseerder: [],
        burgemeester: [],
      });
      expect(await s.pendingMessages()).to.deep.equal([]);
    });
  });

  describe('the terugkoppeling is late: the police chase it every 5 working days until it comes', () => {
    // One server per story, starting on Wednesday 22 April 2026, 09:00 UTC.
    let s: Scenario;
    before(async () => {
      s = await startScenario();
    });
    after(async () => s?.close());

    const registratienummer = 'PL1300-2026000456';
    let policeId: string;
    let meldingId: string;

    it('gives the basisteam a task to chase it 10 working days after sending, and again 5 working days later', async () => {
      s.t.clock.set('2026-05-11T08:00:00.000Z');
      policeId = await s.start('agent', 'zorgmelding-politie');
      await s.complete('agent', 'Task_zorgmelding_opstellen', { ...data.zorgmelding, registratienummer, acuteDreiging: 'nee', strafbareFeiten: 'nee' }, policeId);
      meldingId = (await s.taskFor('vt-frontoffice', 'Task_registreren')).instanceId;
      await s.complete('vt-frontoffice', 'Task_registreren', { ...data.registratie, vtDossiernummer: 'VT-2026-00456' }, meldingId);
      // Mon 11 May + 5 working days: Ascension Day (Thu 14 May) does not count.
      expect((await s.taskFor('vt-triagist', 'Task_triage', meldingId)).dueAt).to.equal('2026-05-19T08:00:00.000Z');

      // Mon 11 May + 10 working days: Ascension Day and Whit Monday (25 May) do not count.
      expect(await s.timers(policeId)).to.deep.equal([{ elementId: 'Timer_termijn_terugkoppeling', dueAt: '2026-05-27T08:00:00.000Z' }]);
      await s.advanceTo('2026-05-27T07:59:00.000Z');
      expect(await s.inbox('agent', { instanceId: policeId })).to.deep.equal([]);
      await s.advanceTo('2026-05-27T08:00:00.000Z');
      const chase = await s.taskFor('agent', 'Task_terugkoppeling_navragen', policeId);
      expect(chase.candidateGroups).to.deep.equal(['politie-basisteam']);
      const wrong = await s.call('POST', `/api/tasks/${chase.id}/complete`, { as: 'agent', json: { variables: { uitkomstNavraag: 'misschien' } } });
      expect(failedFields(wrong)).to.deep.equal(['contactpersoonVeiligThuis', 'toelichtingNavraag', 'uitkomstNavraag']);
      await s.complete('agent', 'Task_terugkoppeling_navragen', data.navragen, policeId);
      expect(await s.timers(policeId)).to.deep.equal([{ elementId: 'Timer_herinnering', dueAt: '2026-06-03T08:00:00.000Z' }]);
      await s.advanceTo('2026-06-03T08:00:00.000Z');
      await s.taskFor('agent', 'Task_terugkoppeling_navragen', policeId);
    });

    it('stops chasing when the terugkoppeling arrives: the open chase task is withdrawn', async () => {
      // The missed triage went to the team leader meanwhile.
      await s.taskFor('vt-teamleider', 'Task_opschalen_triage', meldingId);
      await s.complete('vt-triagist', 'Task_triage', { ...data.triage, vervolg: 'afsluiten' }, meldingId);
      expect((await s.inbox('agent', { instanceId: policeId })).map((task) => task.elementId)).to.deep.equal(['Task_terugkoppeling_verwerken']);
      const cancelled = (await s.adminCase(policeId)).tasks.filter((task: any) => task.state === 'cancelled').map((task: any) => task.elementId);
      expect(cancelled).to.deep.equal(['Task_terugkoppeling_navragen']);
      expect(await s.timers(policeId)).to.deep.equal([]);
      expect(await s.advanceTo('2026-07-01T08:00:00.000Z')).to.equal(0);
      expect((await s.inbox('agent', { instanceId: policeId })).map((task) => task.elementId)).to.deep.equal(['Task_terugkoppeling_verwerken']);
      await s.complete('agent', 'Task_terugkoppeling_verwerken', data.terugkoppelingVerwerken, policeId);
      // The melding closed after the terugkoppeling; the escalation stays for the team leader.
      await s.complete('vt-teamleider', 'Task_opschalen_triage', data.opschaling, meldingId);
      expect((await s.adminCase(meldingId)).status).to.equal('completed');
      expect((await s.adminCase(policeId)).status).to.equal('completed');
    });

    it('kept every organisation to its own tasks and variables', async () => {
      await checkBoundaries(s, [policeId, meldingId]);
      expect(await s.pendingMessages()).to.deep.equal([]);
    });
  });

  describe('the police hear back outside Samenspel and close their case before Veilig Thuis has triaged', () => {
    // One server per story, starting on Wednesday 22 April 2026, 09:00 UTC.
    let s: Scenario;
    before(async () => {
      s = await startScenario();
    });
    after(async () => s?.close());

    const registratienummer = 'PL1300-2026000999';
    let policeId: string;
    let meldingId: string;

    it('ends the police case after a navraag that found the terugkoppeling', async () => {
      policeId = await s.start('agent', 'zorgmelding-politie');
      await s.complete('agent', 'Task_zorgmelding_opstellen', { ...data.zorgmelding, registratienummer }, policeId);
      meldingId = (await s.taskFor('vt-frontoffice', 'Task_registreren')).instanceId;
      await s.complete('vt-frontoffice', 'Task_registreren', { ...data.registratie, vtDossiernummer: 'VT-2026-00999' }, meldingId);
      await s.advanceTo('2026-05-08T09:00:00.000Z');
      await s.complete('vt-teamleider', 'Task_opschalen_triage', data.opschaling, meldingId);
      const done = await s.complete('agent', 'Task_terugkoppeling_navragen', { ...data.navragen, uitkomstNavraag: 'ontvangen' }, policeId);
      expect(done.instance.status).to.equal('completed');
    });

    it('keeps Veilig Thuis\'s later terugkoppeling, which nobody waits for any more, pending for the administrators; Veilig Thuis goes on', async () => {
      await s.complete('vt-triagist', 'Task_triage', data.triage, meldingId);
      expect(await s.pendingMessages()).to.deep.equal([
        { messageName: 'Terugkoppeling', correlationKey: registratienummer, attempts: 1, lastError: 'no instance waits for it and no process starts with it' },
      ]);
      // The administrators see where it came from, why it waits and when it is tried again; not what it carries.
      const [pending] = (await s.call('GET', '/api/messages?state=pending', { as: 'admin' })).body.items;
      expect(pending).to.include({ sourceInstanceId: meldingId, sourceElementId: 'Event_terugkoppeling_politie', state: 'pending', nextAttemptAt: '2026-05-08T09:00:01.000Z', deliveredAt: null });
      expect(pending).to.not.have.property('variables');
      const sent = (await s.call('GET', `/api/messages?sourceInstanceId=${policeId}`, { as: 'admin' })).body.items;
      expect(sent.map((message: any) => [message.messageName, message.state, message.deliveredTo])).to.deep.equal([['Zorgmelding', 'delivered', [meldingId]]]);
      for (const user of ['vt-triagist', 'agent'] as const) {
        expect((await s.call('GET', '/api/messages?state=pending', { as: user })).status, user).to.equal(403);
      }
      expect(await s.inbox('agent')).to.deep.equal([]);
      expect(await s.openElements(meldingId)).to.deep.equal(['Task_overdracht']);
      await checkBoundaries(s, [policeId, meldingId]);
    });
  });

  describe('the front office takes in an advice question and a melding from a professional', () => {
    // One server per story, starting on Wednesday 22 April 2026, 09:00 UTC.
    let s: Scenario;
    before(async () => {
      s = await startScenario();
    });
    after(async () => s?.close());
    let adviesId: string;
    let meldingId: string;

    it('ends an advice question after the advice, without triage', async () => {
      adviesId = await s.start('vt-frontoffice', 'melding-veilig-thuis');
      await s.complete('vt-frontoffice', 'Task_vraag_aannemen', { ...data.vraagAannemen, soortVraag: 'advies' }, adviesId);
      await s.complete('vt-frontoffice', 'Task_advies', data.advies, adviesId);
      const detail = await s.adminCase(adviesId);
      expect(detail.status).to.equal('completed');
      expect(detail.tasks.map((task: any) => task.elementId).sort()).to.deep.equal(['Task_advies', 'Task_vraag_aannemen']);
    });

    it('refuses the start of a melding by police, OM or others: only the front office starts one by hand', async () => {
      for (const user of ['agent', 'vt-triagist', 'officier', 'burgemeester'] as const) {
        const answer = await s.call('POST', '/api/instances', { as: user, json: { definitionKey: 'melding-veilig-thuis' } });
        expect(answer.status, user).to.equal(403);
      }
      const wrong = await s.call('POST', '/api/instances', { as: 'reclasseerder', json: { definitionKey: 'zorgmelding-politie' } });
      expect(wrong.status).to.equal(403);
    });

    it('triages a melding of a professional, feeds back to the melder by task and closes it', async () => {
      meldingId = await s.start('vt-frontoffice', 'melding-veilig-thuis');
      const intake = await s.taskFor('vt-frontoffice', 'Task_vraag_aannemen', meldingId);
      const wrong = await s.call('POST', `/api/tasks/${intake.id}/complete`, {
        as: 'vt-frontoffice',
        json: { variables: { ...data.vraagAannemen, melderType: 'buurman', melderNaam: 'X', soortVraag: undefined } },
      });
      expect(failedFields(wrong)).to.deep.equal(['melderNaam', 'melderType', 'soortVraag']);
      await s.complete('vt-frontoffice', 'Task_vraag_aannemen', data.vraagAannemen, meldingId);
      await s.complete('vt-frontoffice', 'Task_registreren', { ...data.registratie, vtDossiernummer: 'VT-2026-00501' }, meldingId);
      const triage = await s.taskFor('vt-triagist', 'Task_triage', meldingId);
      expect(triage.dueAt).to.equal('2026-04-30T09:00:00.000Z');
      const detail = await s.call('GET', `/api/tasks/${triage.id}`, { as: 'vt-triagist' });
      expect(detail.body.variables).to.include({ melderNaam: data.vraagAannemen.melderNaam, soortVraag: 'melding' });

      await s.complete('vt-triagist', 'Task_triage', { ...data.triage, vervolg: 'afsluiten' }, meldingId);
      expect(await s.pendingMessages()).to.deep.equal([]);
      const feedback = await s.taskFor('vt-triagist', 'Task_terugkoppeling_melder', meldingId);
      expect(feedback.candidateGroups).to.deep.equal(['vt-triage']);
      await s.complete('vt-triagist', 'Task_terugkoppeling_melder', data.terugkoppelingMelder, meldingId);
      expect((await s.adminCase(meldingId)).status).to.equal('completed');
    });

    it('kept the melder and the triage reasoning inside Veilig Thuis', async () => {
      const opened = await checkBoundaries(s, [adviesId, meldingId]);
      expect(opened).to.deep.include({ agent: [], 'vt-frontoffice': ['melding-veilig-thuis', 'melding-veilig-thuis'], 'vt-triagist': ['melding-veilig-thuis'] });
    });
  });
});
