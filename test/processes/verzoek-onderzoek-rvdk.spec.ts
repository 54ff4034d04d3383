import { expect } from 'chai';
import type { Harness } from '../support/runtime-harness.js';
import * as data from './form-data.js';
import { advanceTo, complete, openElements, outboxOf, processHarness, statusOf, taskAt, timersOf } from './process-support.js';

/** The request as Veilig Thuis sends it (Wed 22 April 2026, 09:00 UTC). */
async function requested(h: Harness) {
  const result = await h.runtime.correlateMessage(
    {
      name: 'VerzoekOnderzoekRvdK',
      correlationKey: 'VT-2026-00042',
      variables: { vtDossiernummer: 'VT-2026-00042', kinderen: data.verzoekRvdk.kinderenVerzoek, zorgenOverKinderen: data.verzoekRvdk.zorgenOverKinderen, ingezetteHulp: data.verzoekRvdk.ingezetteHulp, vraagAanRaad: data.verzoekRvdk.vraagAanRaad },
    },
    'veilig-thuis',
  );
  return result.started[0].instanceId;
}

describe('process verzoek-onderzoek-rvdk', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await processHarness({ ids: ['verzoek-onderzoek-rvdk'] });
  });
  afterEach(async () => h?.close());

  it('decides on the request within 10 working days', async () => {
    const id = await requested(h);
    expect((await h.store.instances.get(id))?.businessKey).to.equal('VT-2026-00042');
    const task = await taskAt(h, id, 'Task_beoordelen');
    expect(task.candidateGroups).to.deep.equal(['rvdk-onderzoek']);
    expect(task.dueAt).to.equal('2026-05-08T09:00:00.000Z');
  });

  it('investigates, asks the juvenile court for a measure and reports back to Veilig Thuis without its findings', async () => {
    const id = await requested(h);
    await complete(h, id, 'Task_beoordelen', data.verzoekBeoordelen, 'raadsonderzoeker');
    const investigation = await taskAt(h, id, 'Task_onderzoek');
    expect(investigation.candidateGroups).to.deep.equal(['rvdk-onderzoek']);
    expect(investigation.dueAt).to.equal('2026-07-15T09:00:00.000Z');
    await complete(h, id, 'Task_onderzoek', data.raadsonderzoek, 'raadsonderzoeker');
    expect((await taskAt(h, id, 'Task_verzoek_kinderrechter')).candidateGroups).to.deep.equal(['rvdk-onderzoek']);
    await complete(h, id, 'Task_verzoek_kinderrechter', data.verzoekKinderrechter, 'raadsonderzoeker');
    await complete(h, id, 'Task_uitspraak', data.uitspraak, 'raadsonderzoeker');

    const [report] = await outboxOf(h);
    expect(report).to.include({ messageName: 'RapportageRvdK', correlationKey: 'VT-2026-00042' });
    expect(report.variables).to.deep.equal({
      vtDossiernummer: 'VT-2026-00042',
      besluitOnderzoek: 'starten',
      motiveringBesluitRaad: data.verzoekBeoordelen.motiveringBesluit,
      conclusieRaad: 'kinderbeschermingsmaatregel',
      adviesAanVeiligThuis: data.raadsonderzoek.adviesAanVeiligThuis,
      maatregelVerzocht: 'ondertoezichtstelling',
      uitspraakKinderrechter: 'toegewezen',
    });
    expect(await statusOf(h, id)).to.equal('completed');
  });

  it('reports straight back when no measure is needed', async () => {
    const id = await requested(h);
    await complete(h, id, 'Task_beoordelen', data.verzoekBeoordelen, 'raadsonderzoeker');
    await complete(h, id, 'Task_onderzoek', { ...data.raadsonderzoek, conclusieRaad: 'geen-maatregel' }, 'raadsonderzoeker');
    const [report] = await outboxOf(h);
    expect(report.variables).to.include({ conclusieRaad: 'geen-maatregel', maatregelVerzocht: null });
    expect(await statusOf(h, id)).to.equal('completed');
  });

  it('reports the decision not to investigate back at once', async () => {
    const id = await requested(h);
    await complete(h, id, 'Task_beoordelen', { ...data.verzoekBeoordelen, besluitOnderzoek: 'niet-starten' }, 'raadsonderzoeker');
    const [report] = await outboxOf(h);
    expect(report.variables).to.include({ besluitOnderzoek: 'niet-starten', conclusieRaad: null });
    expect(await statusOf(h, id)).to.equal('completed');
  });

  it('flags an investigation past its 12-week term without stopping it', async () => {
    const id = await requested(h);
    await complete(h, id, 'Task_beoordelen', data.verzoekBeoordelen, 'raadsonderzoeker');
    expect(await timersOf(h, id)).to.deep.equal([{ elementId: 'Timer_onderzoek_termijn', dueAt: '2026-07-15T09:00:00.000Z' }]);
    expect(await advanceTo(h, '2026-07-15T09:00:00.000Z')).to.equal(1);
    expect(await openElements(h, id)).to.deep.equal(['Task_onderzoek', 'Task_termijn']);
    expect((await taskAt(h, id, 'Task_termijn')).candidateGroups).to.deep.equal(['rvdk-onderzoek']);
    await complete(h, id, 'Task_termijn', data.voortgang, 'raadsonderzoeker');
    await complete(h, id, 'Task_onderzoek', { ...data.raadsonderzoek, conclusieRaad: 'geen-maatregel' }, 'raadsonderzoeker');
    expect(await statusOf(h, id)).to.equal('completed');
  });

  it('keeps the findings of the Raad for the Raad', async () => {
    const version = await h.store.definitions.getLatest('verzoek-onderzoek-rvdk');
    expect(version?.settings).to.deep.equal({
      starterGroups: [],
      retentionDays: 3650,
      visibility: { bevindingenRaad: ['rvdk'], zorgenOverKinderen: ['rvdk'], kinderen: ['rvdk'] },
    });
  });
});
