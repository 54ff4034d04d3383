import { expect } from 'chai';
import { InvalidError } from '../../src/errors.js';
import type { Harness } from '../support/runtime-harness.js';
import * as data from './form-data.js';
import {
  advanceTo,
  complete,
  openElements,
  outboxOf,
  processHarness,
  statusOf,
  taskAt,
  timersOf,
} from './process-support.js';

// The huisverbod is served on Wed 22 April 2026 at 14:00 in Amsterdam (12:00 UTC).
const DAY_8 = '2026-04-29T12:00:00.000Z';
const DAY_10 = '2026-05-02T12:00:00.000Z';
const DAY_28 = '2026-05-20T12:00:00.000Z';

/** A huisverbod imposed by the hulpofficier on the spot, help started. */
async function imposed(h: Harness) {
  const started = await h.runtime.startInstance({ definitionKey: 'tijdelijk-huisverbod' }, 'hulpofficier');
  const id = started.instance.id;
  await complete(h, id, 'Task_rihg', data.risicotaxatie, 'hulpofficier');
  await complete(h, id, 'Task_besluit', data.besluitHuisverbod, 'hulpofficier');
  await complete(h, id, 'Task_hulp', data.hulpStarten, 'vt-onderzoeker');
  return id;
}

async function atExtensionDecision(h: Harness) {
  const id = await imposed(h);
  await advanceTo(h, DAY_8);
  await complete(h, id, 'Task_advies_verlenging', data.adviesVerlenging, 'vt-onderzoeker');
  return id;
}

describe('process tijdelijk-huisverbod', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await processHarness({ ids: ['tijdelijk-huisverbod'] });
  });
  afterEach(async () => h?.close());

  it('has the hulpofficier assess the risk with the RiHG, the mayor or the hulpofficier under mandate decide, and Veilig Thuis start help at once', async () => {
    const started = await h.runtime.startInstance({ definitionKey: 'tijdelijk-huisverbod' }, 'hulpofficier');
    const id = started.instance.id;
    expect(started.instance.variables).to.include({ verzochtDoorVeiligThuis: false, huisverbodDuurDagen: 10, adviesNaDagen: 7, maxDuurDagen: 28 });
    const rihg = await taskAt(h, id, 'Task_rihg');
    expect(rihg.candidateGroups).to.deep.equal(['politie-hulpofficier']);
    expect(rihg.dueAt).to.equal('2026-04-22T13:00:00.000Z');
    await complete(h, id, 'Task_rihg', data.risicotaxatie, 'hulpofficier');
    const decision = await taskAt(h, id, 'Task_besluit');
    expect(decision.candidateGroups).to.deep.equal(['politie-hulpofficier', 'gemeente-burgemeester']);
    await complete(h, id, 'Task_besluit', data.besluitHuisverbod, 'hulpofficier');

    const help = await taskAt(h, id, 'Task_hulp');
    expect(help.candidateGroups).to.deep.equal(['vt-onderzoek']);
    expect(help.dueAt).to.equal('2026-04-23T09:00:00.000Z');
    expect(await timersOf(h, id)).to.deep.equal([{ elementId: 'Timer_dag8', dueAt: DAY_8 }]);
    expect(await outboxOf(h)).to.deep.equal([]);
  });

  it('asks Veilig Thuis for advice on day 8 and ends at day 10 when the mayor does not extend', async () => {
    const id = await imposed(h);
    expect(await advanceTo(h, '2026-04-29T11:59:00.000Z')).to.equal(0);
    expect(await advanceTo(h, DAY_8)).to.equal(1);
    const advice = await taskAt(h, id, 'Task_advies_verlenging');
    expect(advice.candidateGroups).to.deep.equal(['vt-onderzoek']);
    expect(advice.dueAt).to.equal('2026-04-30T12:00:00.000Z');
    await complete(h, id, 'Task_advies_verlenging', { ...data.adviesVerlenging, adviesVerlenging: 'niet-verlengen' }, 'vt-onderzoeker');

    const decision = await taskAt(h, id, 'Task_besluit_verlenging');
    expect(decision.candidateGroups).to.deep.equal(['gemeente-burgemeester']);
    expect(decision.dueAt).to.equal(DAY_10);
    await complete(h, id, 'Task_besluit_verlenging', { verlengen: 'nee', motiveringVerlenging: 'Dreiging is afgenomen.' }, 'burgemeester');
    expect(await timersOf(h, id)).to.deep.equal([{ elementId: 'Timer_einde_10', dueAt: DAY_10 }]);

    expect(await advanceTo(h, DAY_10)).to.equal(1);
    expect(await timersOf(h, id)).to.deep.equal([{ elementId: 'Timer_monitoring_1', dueAt: '2026-07-22T12:00:00.000Z' }]);
  });

  it('lets only the mayor extend, to at most day 28 after the start', async () => {
    const id = await atExtensionDecision(h);
    const decision = await taskAt(h, id, 'Task_besluit_verlenging');
    expect(decision.candidateGroups).to.deep.equal(['gemeente-burgemeester']);
    expect(decision.candidateGroups).to.not.include('politie-hulpofficier');

    for (const day of [29, 10]) {
      let error: unknown;
      try {
        await h.runtime.completeTask(decision.id, { ...data.besluitVerlenging, verlengdTotDag: day }, 'burgemeester');
      } catch (err) {
        error = err;
      }
      expect(error, `day ${day}`).to.be.instanceOf(InvalidError);
      expect((error as InvalidError).details.map((d) => d.path)).to.deep.equal(['verlengdTotDag']);
    }
    await h.runtime.completeTask(decision.id, data.besluitVerlenging, 'burgemeester');
    expect(await timersOf(h, id)).to.deep.equal([{ elementId: 'Timer_einde_verlengd', dueAt: DAY_28 }]);
    expect(await advanceTo(h, '2026-05-20T11:59:00.000Z')).to.equal(0);
    expect(await advanceTo(h, DAY_28)).to.equal(1);
    expect(await timersOf(h, id)).to.deep.equal([{ elementId: 'Timer_monitoring_1', dueAt: '2026-07-22T12:00:00.000Z' }]);
  });

  it('takes the maximum duration from the process variables: a lower maximum limits the extension', async () => {
    const started = await h.runtime.startInstance({ definitionKey: 'tijdelijk-huisverbod', variables: { maxDuurDagen: 20 } }, 'hulpofficier');
    const id = started.instance.id;
    await complete(h, id, 'Task_rihg', data.risicotaxatie, 'hulpofficier');
    await complete(h, id, 'Task_besluit', data.besluitHuisverbod, 'hulpofficier');
    await advanceTo(h, DAY_8);
    await complete(h, id, 'Task_advies_verlenging', data.adviesVerlenging, 'vt-onderzoeker');
    const decision = await taskAt(h, id, 'Task_besluit_verlenging');
    let error: unknown;
    try {
      await h.runtime.completeTask(decision.id, { ...data.besluitVerlenging, verlengdTotDag: 21 }, 'burgemeester');
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(InvalidError);
    await complete(h, id, 'Task_besluit_verlenging', { ...data.besluitVerlenging, verlengdTotDag: 20 }, 'burgemeester');
    expect(await timersOf(h, id)).to.deep.equal([{ elementId: 'Timer_einde_verlengd', dueAt: '2026-05-12T12:00:00.000Z' }]);
  });

  it('ends at day 10 when the mayor has not decided on extension by then', async () => {
    const id = await atExtensionDecision(h);
    expect(await advanceTo(h, DAY_10)).to.equal(1);
    const tasks = await h.store.instances.tasksOfInstance(id);
    expect(tasks.find((t) => t.elementId === 'Task_besluit_verlenging')?.state).to.equal('cancelled');
    expect(await timersOf(h, id)).to.deep.equal([{ elementId: 'Timer_monitoring_1', dueAt: '2026-07-22T12:00:00.000Z' }]);
  });

  it('ends at day 10 when Veilig Thuis\'s advice has not come by then', async () => {
    const id = await imposed(h);
    await advanceTo(h, DAY_8);
    expect(await openElements(h, id)).to.deep.equal(['Task_advies_verlenging']);
    expect(await advanceTo(h, DAY_10)).to.equal(1);
    expect(await openElements(h, id)).to.deep.equal([]);
    expect(await timersOf(h, id)).to.deep.equal([{ elementId: 'Timer_monitoring_1', dueAt: '2026-07-22T12:00:00.000Z' }]);
  });

  it('has Veilig Thuis follow up at 3, 12 and 18 months after the start, then ends', async () => {
    const id = await atExtensionDecision(h);
    await complete(h, id, 'Task_besluit_verlenging', { verlengen: 'nee', motiveringVerlenging: 'Dreiging is afgenomen.' }, 'burgemeester');
    await advanceTo(h, DAY_10);
    for (const [n, due] of [[1, '2026-07-22T12:00:00.000Z'], [2, '2027-04-22T12:00:00.000Z'], [3, '2027-10-22T12:00:00.000Z']] as const) {
      expect(await timersOf(h, id)).to.deep.equal([{ elementId: `Timer_monitoring_${n}`, dueAt: due }]);
      await advanceTo(h, due);
      expect((await taskAt(h, id, `Task_monitoring_${n}`)).candidateGroups).to.deep.equal(['vt-onderzoek']);
      await complete(h, id, `Task_monitoring_${n}`, data.monitoring, 'vt-onderzoeker');
    }
    expect(await statusOf(h, id)).to.equal('completed');
  });

  it('answers a request from Veilig Thuis with the decision, also when no huisverbod is imposed', async () => {
    const result = await h.runtime.correlateMessage(
      {
        name: 'VerzoekHuisverbod',
        correlationKey: 'VT-2026-00042',
        variables: { vtDossiernummer: 'VT-2026-00042', registratienummer: null, adres: 'Dorpsstraat 1, Utrecht', uithuisgeplaatste: 'B (1988)', redenVerzoek: 'Acute dreiging.', kinderenInHuis: 'ja' },
      },
      'veilig-thuis',
    );
    const id = result.started[0].instanceId;
    expect((await h.store.instances.get(id))?.variables).to.include({ verzochtDoorVeiligThuis: true });
    await complete(h, id, 'Task_rihg', { ...data.risicotaxatie, rihgUitkomst: 'huisverbod-niet-aangewezen' }, 'hulpofficier');
    await complete(h, id, 'Task_besluit', { besluitHuisverbod: 'niet-opleggen', besluitGenomenDoor: 'burgemeester', motiveringBesluit: 'Vader woont niet op het adres.' }, 'burgemeester');

    const [answer] = await outboxOf(h);
    expect(answer).to.include({ messageName: 'BesluitHuisverbod', correlationKey: 'VT-2026-00042' });
    expect(answer.variables).to.deep.equal({
      vtDossiernummer: 'VT-2026-00042',
      huisverbodOpgelegd: false,
      ingangHuisverbod: null,
      huisverbodEinde: null,
      motiveringBesluit: 'Vader woont niet op het adres.',
    });
    expect(await statusOf(h, id)).to.equal('completed');
  });
});
