/**
 * The deadline paths of the tijdelijk huisverbod through the HTTP API: imposed on the spot
 * by the police or the mayor, Veilig Thuis's day-8 advice, the end at day 10 when it is not
 * extended (or when nobody decided in time), the follow-ups at 3, 12 and 18 months, and a
 * request of Veilig Thuis that ends without a huisverbod. The huisverbod is served on
 * Wednesday 22 April 2026 at 14:00 in Amsterdam (12:00 UTC).
 */
import { expect } from 'chai';
import * as data from './scenario-data.js';
import { checkBoundaries, failedFields, MARKERS, startScenario, type CaseWorker, type Scenario } from './scenario-kit.js';

const DAY_8 = '2026-04-29T12:00:00.000Z';
const DAY_10 = '2026-05-02T12:00:00.000Z';

describe('scenario: tijdelijk huisverbod deadlines (HTTP API, demo users)', () => {
  let s: Scenario;
  beforeEach(async () => {
    s = await startScenario();
  });
  afterEach(async () => s?.close());

  /** A huisverbod started on the spot by `starter`, decided by `decider`, help started by Veilig Thuis. */
  async function imposed(starter: CaseWorker, decider: CaseWorker): Promise<string> {
    const id = await s.start(starter, 'tijdelijk-huisverbod');
    await s.complete('hulpofficier', 'Task_rihg', data.risicotaxatie, id);
    const besluitGenomenDoor = decider === 'burgemeester' ? 'burgemeester' : 'hulpofficier-onder-mandaat';
    await s.complete(decider, 'Task_besluit', { ...data.besluitHuisverbod, besluitGenomenDoor }, id);
    await s.complete('vt-onderzoeker', 'Task_hulp', data.hulpStarten, id);
    return id;
  }

  it('is imposed by the mayor after the RiHG, ends at day 10 without extension, and is followed up at 3, 12 and 18 months', async () => {
    // Only the hulpofficier and the mayor start one by hand.
    for (const user of ['agent', 'vt-triagist', 'officier'] as const) {
      expect((await s.call('POST', '/api/instances', { as: user, json: { definitionKey: 'tijdelijk-huisverbod' } })).status, user).to.equal(403);
    }
    const id = await s.start('burgemeester', 'tijdelijk-huisverbod');
    const rihg = await s.taskFor('hulpofficier', 'Task_rihg', id);
    expect(rihg.dueAt).to.equal('2026-04-22T13:00:00.000Z');
    // The mayor started it, but the RiHG is the police's: the mayor has no task yet.
    expect(await s.inbox('burgemeester')).to.deep.equal([]);
    const wrong = await s.call('POST', `/api/tasks/${rihg.id}/complete`, {
      as: 'hulpofficier',
      json: { variables: { ...data.risicotaxatie, rihgUitkomst: 'hoog', rihgToelichting: 'Kort.' } },
    });
    expect(failedFields(wrong)).to.deep.equal(['rihgToelichting', 'rihgUitkomst']);
    await s.complete('hulpofficier', 'Task_rihg', data.risicotaxatie, id);

    const decision = await s.taskFor('burgemeester', 'Task_besluit', id);
    // Whoever takes the decision first holds it: the mayor cannot complete it while the hulpofficier does.
    expect((await s.call('POST', `/api/tasks/${decision.id}/claim`, { as: 'hulpofficier' })).status).to.equal(200);
    const held = await s.call('POST', `/api/tasks/${decision.id}/complete`, { as: 'burgemeester', json: { variables: { ...data.besluitHuisverbod, besluitGenomenDoor: 'burgemeester' } } });
    expect(held.status).to.equal(409);
    expect((await s.call('POST', `/api/tasks/${decision.id}/unclaim`, { as: 'hulpofficier' })).status).to.equal(200);
    const missingStart = await s.call('POST', `/api/tasks/${decision.id}/complete`, {
      as: 'burgemeester',
      json: { variables: { ...data.besluitHuisverbod, besluitGenomenDoor: 'burgemeester', ingangHuisverbod: undefined } },
    });
    expect(failedFields(missingStart)).to.deep.equal(['ingangHuisverbod']);
    await s.complete('burgemeester', 'Task_besluit', { ...data.besluitHuisverbod, besluitGenomenDoor: 'burgemeester' }, id);
    expect((await s.inbox('hulpofficier', { instanceId: id }))).to.deep.equal([]);
    await s.complete('vt-onderzoeker', 'Task_hulp', data.hulpStarten, id);

    expect(await s.advanceTo(DAY_8)).to.equal(1);
    await s.complete('vt-onderzoeker', 'Task_advies_verlenging', { ...data.adviesVerlenging, adviesVerlenging: 'niet-verlengen' }, id);
    const extension = await s.taskFor('burgemeester', 'Task_besluit_verlenging', id);
    expect(extension.dueAt).to.equal(DAY_10);
    const noDay = await s.call('POST', `/api/tasks/${extension.id}/complete`, {
      as: 'burgemeester',
      json: { variables: { verlengen: 'nee', verlengdTotDag: 20, motiveringVerlenging: 'Dreiging is afgenomen.' } },
    });
    // No day may be given when the mayor does not extend (the field is hidden).
    expect(failedFields(noDay)).to.deep.equal(['verlengdTotDag']);
    await s.complete('burgemeester', 'Task_besluit_verlenging', { verlengen: 'nee', motiveringVerlenging: 'Dreiging is afgenomen.' }, id);
    expect(await s.timers(id)).to.deep.equal([{ elementId: 'Timer_einde_10', dueAt: DAY_10 }]);
    expect(await s.advanceTo('2026-05-02T11:59:00.000Z')).to.equal(0);
    expect(await s.advanceTo(DAY_10)).to.equal(1);

    for (const [n, due] of [[1, '2026-07-22T12:00:00.000Z'], [2, '2027-04-22T12:00:00.000Z'], [3, '2027-10-22T12:00:00.000Z']] as const) {
      expect(await s.timers(id)).to.deep.equal([{ elementId: `Timer_monitoring_${n}`, dueAt: due }]);
      await s.advanceTo(due);
      const follow = await s.taskFor('vt-onderzoeker', `Task_monitoring_${n}`, id);
      expect(follow.candidateGroups).to.deep.equal(['vt-onderzoek']);
      await s.complete('vt-onderzoeker', `Task_monitoring_${n}`, data.monitoring, id);
    }
    expect((await s.adminCase(id)).status).to.equal('completed');

    const opened = await checkBoundaries(s, [id]);
    expect(opened).to.deep.include({ burgemeester: ['tijdelijk-huisverbod'], hulpofficier: ['tijdelijk-huisverbod'], 'vt-onderzoeker': ['tijdelijk-huisverbod'], agent: [], officier: [] });
    // The monitoring notes are Veilig Thuis's.
    const mayor = await s.call('GET', `/api/instances/${id}`, { as: 'burgemeester' });
    expect(mayor.body.variables).to.not.have.any.keys('hulpplan', 'toelichtingMonitoring', 'veiligheidNu');
    expect(mayor.body.variables).to.include({ rihgToelichting: MARKERS.rihg, onderbouwingAdvies: MARKERS.verlengAdvies });
  });

  it('ends at day 10 when the mayor has not decided on the extension by then: the decision task is withdrawn', async () => {
    const id = await imposed('hulpofficier', 'hulpofficier');
    await s.advanceTo(DAY_8);
    await s.complete('vt-onderzoeker', 'Task_advies_verlenging', data.adviesVerlenging, id);
    await s.taskFor('burgemeester', 'Task_besluit_verlenging', id);
    expect(await s.advanceTo(DAY_10)).to.equal(1);
    expect(await s.inbox('burgemeester')).to.deep.equal([]);
    const tasks = (await s.adminCase(id)).tasks;
    expect(tasks.find((task: any) => task.elementId === 'Task_besluit_verlenging').state).to.equal('cancelled');
    expect(await s.timers(id)).to.deep.equal([{ elementId: 'Timer_monitoring_1', dueAt: '2026-07-22T12:00:00.000Z' }]);
    // A late decision is refused: the task is closed.
    const late = await s.call('POST', `/api/tasks/${tasks.find((task: any) => task.elementId === 'Task_besluit_verlenging').id}/complete`, {
      as: 'burgemeester',
      json: { variables: data.besluitVerlenging },
    });
    expect(late.status).to.equal(409);
    await checkBoundaries(s, [id]);
  });

  it('ends at day 10 when Veilig Thuis\'s advice has not come by then; the mayor never gets an extension task', async () => {
    const id = await imposed('hulpofficier', 'hulpofficier');
    expect(await s.advanceTo(DAY_8)).to.equal(1);
    await s.taskFor('vt-onderzoeker', 'Task_advies_verlenging', id);
    expect(await s.advanceTo(DAY_10)).to.equal(1);
    expect(await s.inbox('vt-onderzoeker', { instanceId: id })).to.deep.equal([]);
    expect(await s.inbox('burgemeester')).to.deep.equal([]);
    expect(await s.timers(id)).to.deep.equal([{ elementId: 'Timer_monitoring_1', dueAt: '2026-07-22T12:00:00.000Z' }]);
    expect((await s.adminCase(id)).tasks.map((task: any) => task.elementId)).to.not.include('Task_besluit_verlenging');
    await checkBoundaries(s, [id]);
  });

  it('answers a request of Veilig Thuis without a huisverbod: the decision goes back and Veilig Thuis goes on', async () => {
    const meldingId = await s.start('vt-frontoffice', 'melding-veilig-thuis');
    await s.complete('vt-frontoffice', 'Task_vraag_aannemen', data.vraagAannemen, meldingId);
    await s.complete('vt-frontoffice', 'Task_registreren', { ...data.registratie, vtDossiernummer: 'VT-2026-00901' }, meldingId);
    await s.complete('vt-triagist', 'Task_triage', { ...data.triage, acuteOnveiligheid: 'ja', vervolg: 'afsluiten' }, meldingId);
    await s.complete('vt-triagist', 'Task_direct_ingrijpen', data.directIngrijpen, meldingId);

    const rihg = await s.taskFor('hulpofficier', 'Task_rihg');
    const id = rihg.instanceId;
    const view = await s.call('GET', `/api/tasks/${rihg.id}`, { as: 'hulpofficier' });
    // Veilig Thuis's request carries no melder and no triage reasoning.
    expect(view.body.variables).to.include({ vtDossiernummer: 'VT-2026-00901', registratienummer: null, redenVerzoek: data.directIngrijpen.redenHuisverbod });
    expect(view.body.variables).to.not.have.any.keys('melderNaam', 'melderTelefoon', 'onderbouwingTriage', 'genomenMaatregelen');
    await s.complete('hulpofficier', 'Task_rihg', { ...data.risicotaxatie, rihgUitkomst: 'huisverbod-niet-aangewezen' }, id);
    await s.complete('burgemeester', 'Task_besluit', { besluitHuisverbod: 'niet-opleggen', besluitGenomenDoor: 'burgemeester', motiveringBesluit: 'Vader woont niet op het adres.' }, id);
    expect((await s.adminCase(id)).status).to.equal('completed');
    expect(await s.inbox('vt-onderzoeker')).to.deep.equal([]);

    const melding = await s.call('GET', `/api/instances/${meldingId}`, { as: 'vt-triagist' });
    expect(melding.body.variables).to.include({ huisverbodOpgelegd: false, huisverbodEinde: null, motiveringBesluit: 'Vader woont niet op het adres.' });
    await s.complete('vt-triagist', 'Task_terugkoppeling_melder', data.terugkoppelingMelder, meldingId);
    expect((await s.adminCase(meldingId)).status).to.equal('completed');
    // No crimes: no zorg/straf afweging was started.
    expect(await s.inbox('rechercheur')).to.deep.equal([]);
    const opened = await checkBoundaries(s, [meldingId, id]);
    expect(opened).to.deep.include({ hulpofficier: ['tijdelijk-huisverbod'], burgemeester: ['tijdelijk-huisverbod'], 'vt-triagist': ['melding-veilig-thuis'], 'vt-onderzoeker': [] });
    expect(await s.pendingMessages()).to.deep.equal([]);
  });
});
