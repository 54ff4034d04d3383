import { expect } from 'chai';
import type { Harness } from '../support/runtime-harness.js';
import * as data from './form-data.js';
import {
  advanceTo,
  complete,
  deliver,
  instancesOf,
  onlyInstance,
  openElements,
  outboxOf,
  processHarness,
  statusOf,
  taskAt,
  timersOf,
  variablesOf,
} from './process-support.js';

/** Starts a zorgmelding and sends it (Wednesday 22 April 2026, 09:00 UTC). */
async function sendZorgmelding(h: Harness, variables: Record<string, unknown> = {}) {
  const started = await h.runtime.startInstance({ definitionKey: 'zorgmelding-politie', variables }, 'agent');
  const id = started.instance.id;
  await complete(h, id, 'Task_zorgmelding_opstellen', data.zorgmelding, 'agent');
  return id;
}

describe('process zorgmelding-politie', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('lets the basisteam draft the zorgmelding within one working day', async () => {
    h = await processHarness({ ids: ['zorgmelding-politie'] });
    const started = await h.runtime.startInstance({ definitionKey: 'zorgmelding-politie' }, 'agent');
    const task = await taskAt(h, started.instance.id, 'Task_zorgmelding_opstellen');
    expect(task.candidateGroups).to.deep.equal(['politie-basisteam']);
    expect(task.formId).to.equal('politie-zorgmelding-opstellen');
    expect(task.dueAt).to.equal('2026-04-23T09:00:00.000Z');
    expect(started.instance.variables).to.deep.equal({
      termijnZorgmeldingWerkdagen: 1,
      termijnTerugkoppelingWerkdagen: 10,
      termijnHerinneringWerkdagen: 5,
    });
  });

  it('sends Veilig Thuis only the zorgmelding, keyed by the police registration number, and starts a melding there', async () => {
    h = await processHarness({ ids: ['zorgmelding-politie', 'melding-veilig-thuis'] });
    const id = await sendZorgmelding(h);

    const [message] = await outboxOf(h);
    expect(message).to.include({ messageName: 'Zorgmelding', correlationKey: 'PL1300-2026000123', sourceInstanceId: id });
    expect(Object.keys(message.variables).sort()).to.deep.equal([
      'aanwezigen', 'acuteDreiging', 'contactpersoonPolitie', 'eerdereIncidenten', 'incidentAdres', 'incidentMoment',
      'kinderen', 'kinderenInHuis', 'omschrijving', 'registratienummer', 'strafbareFeiten', 'wapens', 'zorgmeldingVerzondenOp',
    ]);
    expect(message.variables).to.not.have.any.keys('termijnTerugkoppelingWerkdagen', 'termijnHerinneringWerkdagen');

    await deliver(h);
    const melding = await onlyInstance(h, 'melding-veilig-thuis');
    expect(melding.businessKey).to.equal('PL1300-2026000123');
    expect(melding.variables).to.include({ bron: 'politie', registratienummer: 'PL1300-2026000123', acuteDreiging: 'ja' });
    expect(await openElements(h, id)).to.deep.equal([]);
    expect(await timersOf(h, id)).to.deep.equal([{ elementId: 'Timer_termijn_terugkoppeling', dueAt: '2026-05-08T09:00:00.000Z' }]);
  });

  it('gives the coordinator a task to chase the terugkoppeling after 10 working days, then every 5 working days', async () => {
    h = await processHarness({ ids: ['zorgmelding-politie'] });
    const id = await sendZorgmelding(h);

    // 10 working days from Wed 22 April: King's Day (27 April) and Liberation Day (5 May) do not count.
    expect(await advanceTo(h, '2026-05-08T08:59:00.000Z')).to.equal(0);
    expect(await openElements(h, id)).to.deep.equal([]);
    expect(await advanceTo(h, '2026-05-08T09:00:00.000Z')).to.equal(1);
    const chase = await taskAt(h, id, 'Task_terugkoppeling_navragen');
    expect(chase.candidateGroups).to.deep.equal(['politie-basisteam']);

    await complete(h, id, 'Task_terugkoppeling_navragen', data.navragen, 'coordinator');
    // 5 working days from Fri 8 May: Ascension Day (Thu 14 May) does not count.
    expect(await timersOf(h, id)).to.deep.equal([{ elementId: 'Timer_herinnering', dueAt: '2026-05-18T09:00:00.000Z' }]);
    expect(await advanceTo(h, '2026-05-18T09:00:00.000Z')).to.equal(1);
    expect(await openElements(h, id)).to.deep.equal(['Task_terugkoppeling_navragen']);
  });

  it('stops waiting and reminding when the terugkoppeling arrives, and has it processed', async () => {
    h = await processHarness({ ids: ['zorgmelding-politie'] });
    const id = await sendZorgmelding(h);
    await advanceTo(h, '2026-05-08T09:00:00.000Z');
    expect(await openElements(h, id)).to.deep.equal(['Task_terugkoppeling_navragen']);

    const result = await h.runtime.correlateMessage(
      { name: 'Terugkoppeling', correlationKey: 'PL1300-2026000123', variables: { vtBesluit: 'overdracht-lokaal-team', terugkoppeling: 'Wijkteam pakt het op.' } },
      'veilig-thuis',
    );
    expect(result.correlated).to.deep.equal([{ instanceId: id }]);
    expect(await openElements(h, id)).to.deep.equal(['Task_terugkoppeling_verwerken']);
    expect(await timersOf(h, id)).to.deep.equal([]);
    const tasks = await h.store.instances.tasksOfInstance(id);
    expect(tasks.find((t) => t.elementId === 'Task_terugkoppeling_navragen')?.state).to.equal('cancelled');

    // Later reminders never come.
    expect(await advanceTo(h, '2026-06-30T09:00:00.000Z')).to.equal(0);
    await complete(h, id, 'Task_terugkoppeling_verwerken', data.terugkoppelingVerwerken, 'agent');
    expect(await statusOf(h, id)).to.equal('completed');
    expect(await variablesOf(h, id)).to.include({ vtBesluit: 'overdracht-lokaal-team' });
  });

  it('ends after a navraag when the terugkoppeling came outside Samenspel', async () => {
    h = await processHarness({ ids: ['zorgmelding-politie'] });
    const id = await sendZorgmelding(h);
    await advanceTo(h, '2026-05-08T09:00:00.000Z');
    await complete(h, id, 'Task_terugkoppeling_navragen', { ...data.navragen, uitkomstNavraag: 'ontvangen' }, 'coordinator');
    expect(await statusOf(h, id)).to.equal('completed');
  });

  it('takes the terms from the start variables instead of the defaults', async () => {
    h = await processHarness({ ids: ['zorgmelding-politie'] });
    const id = await sendZorgmelding(h, { termijnTerugkoppelingWerkdagen: 3 });
    expect(await timersOf(h, id)).to.deep.equal([{ elementId: 'Timer_termijn_terugkoppeling', dueAt: '2026-04-28T09:00:00.000Z' }]);
    expect(await instancesOf(h, 'zorgmelding-politie')).to.have.length(1);
  });
});
