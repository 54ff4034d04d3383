import { expect } from 'chai';
import type { Harness } from '../support/runtime-harness.js';
import * as data from './form-data.js';
import { advanceTo, complete, openElements, outboxOf, processHarness, statusOf, taskAt, timersOf } from './process-support.js';

/** The request as the OM sends it (Wed 22 April 2026), hearing on Monday 15 June 2026. */
async function requested(h: Harness) {
  const result = await h.runtime.correlateMessage(
    {
      name: 'VerzoekReclasseringsadvies',
      correlationKey: '16/123456-26',
      variables: { parketnummer: '16/123456-26', verdachte: 'B (1988)', tenlastelegging: 'Mishandeling en bedreiging.', zittingsdatum: '2026-06-15', vraagstelling: 'Advies over voorwaarden.' },
    },
    'om',
  );
  return result.started[0].instanceId;
}

async function adviceSent(h: Harness) {
  const id = await requested(h);
  await complete(h, id, 'Task_advies', data.reclasseringsadvies, 'reclasseerder');
  return id;
}

describe('process reclasseringsadvies', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await processHarness({ ids: ['reclasseringsadvies'] });
  });
  afterEach(async () => h?.close());

  it('has the advice written by 5 working days before the hearing date of the request', async () => {
    const id = await requested(h);
    const task = await taskAt(h, id, 'Task_advies');
    expect(task.candidateGroups).to.deep.equal(['reclassering-advies']);
    expect(task.dueAt).to.equal('2026-06-08T23:59:59.000Z');
    expect(await timersOf(h, id)).to.deep.equal([{ elementId: 'Timer_advies_termijn', dueAt: '2026-06-08T07:00:00.000Z' }]);
  });

  it('sends the OM the advice and then waits for an order to supervise', async () => {
    const id = await adviceSent(h);
    const [advice] = await outboxOf(h);
    expect(advice).to.include({ messageName: 'Reclasseringsadvies', correlationKey: '16/123456-26' });
    expect(Object.keys(advice.variables).sort()).to.deep.equal(['adviesSoort', 'adviesTekst', 'adviesVoorwaarden', 'parketnummer', 'risicoInschatting']);
    expect((await h.store.instances.subscriptionsOfInstance(id)).map((s) => s.messageName)).to.deep.equal(['OpdrachtToezicht']);
    // 90 days after the hearing, 09:00 in Amsterdam.
    expect(await timersOf(h, id)).to.deep.equal([{ elementId: 'Timer_geen_opdracht', dueAt: '2026-09-13T07:00:00.000Z' }]);
  });

  it('warns the OM when the advice is not ready by the term before the hearing', async () => {
    const id = await requested(h);
    expect(await advanceTo(h, '2026-06-08T06:59:00.000Z')).to.equal(0);
    expect(await advanceTo(h, '2026-06-08T07:00:00.000Z')).to.equal(1);
    expect(await openElements(h, id)).to.deep.equal(['Task_advies', 'Task_vertraging']);
    expect((await taskAt(h, id, 'Task_vertraging')).candidateGroups).to.deep.equal(['reclassering-advies']);
    await complete(h, id, 'Task_vertraging', data.vertraging, 'reclasseerder');
    await complete(h, id, 'Task_advies', data.reclasseringsadvies, 'reclasseerder');
    expect((await outboxOf(h)).map((m) => m.messageName)).to.deep.equal(['Reclasseringsadvies']);
  });

  it('ends without supervision when no order comes within the term', async () => {
    const id = await adviceSent(h);
    expect(await advanceTo(h, '2026-09-13T07:00:00.000Z')).to.equal(1);
    expect(await statusOf(h, id)).to.equal('completed');
  });

  it('supervises, reports violations and the end of supervision back to the OM', async () => {
    const id = await adviceSent(h);
    await h.runtime.correlateMessage({ name: 'OpdrachtToezicht', correlationKey: '16/123456-26', variables: { bijzondereVoorwaarden: 'Contactverbod.', toezichtDuurMaanden: 24 } }, 'om');
    expect(await timersOf(h, id)).to.deep.equal([]);
    const contact = await taskAt(h, id, 'Task_contact');
    expect(contact.candidateGroups).to.deep.equal(['reclassering-advies']);

    await complete(h, id, 'Task_contact', { uitkomstContact: 'overtreding', overtredingOmschrijving: 'Contact gezocht met het slachtoffer.', verslagContact: 'Overtreding besproken.' }, 'reclasseerder');
    const violation = (await outboxOf(h)).find((m) => m.messageName === 'OvertredingToezicht')!;
    expect(violation.variables).to.deep.equal({ parketnummer: '16/123456-26', overtredingOmschrijving: 'Contact gezocht met het slachtoffer.' });
    await complete(h, id, 'Task_contact', data.toezichtcontact, 'reclasseerder');
    expect(await timersOf(h, id)).to.deep.equal([{ elementId: 'Timer_volgend', dueAt: '2026-05-20T09:00:00.000Z' }]);
    await advanceTo(h, '2026-05-20T09:00:00.000Z');
    await complete(h, id, 'Task_contact', { ...data.toezichtcontact, uitkomstContact: 'afgerond' }, 'reclasseerder');

    const end = (await outboxOf(h)).find((m) => m.messageName === 'EindeToezicht')!;
    expect(end.variables).to.deep.equal({ parketnummer: '16/123456-26', eindverslagToezicht: 'Voorwaarden nageleefd.' });
    expect(await statusOf(h, id)).to.equal('completed');
  });
});
