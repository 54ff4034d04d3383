/**
 * Veilig Thuis's own investigation and its request to the Raad voor de Kinderbescherming,
 * through the HTTP API: the investigation term escalates to the team leader, the request
 * carries only what the Raad needs, the Raad's investigation term is flagged, and the
 * report comes back to Veilig Thuis without the Raad's findings. Wednesday 22 April 2026,
 * 09:00 UTC.
 */
import { expect } from 'chai';
import * as data from './scenario-data.js';
import { checkBoundaries, failedFields, MARKERS, startScenario, type Scenario } from './scenario-kit.js';

describe('scenario: investigation by Veilig Thuis and the request to the Raad (HTTP API, demo users)', () => {
  let s: Scenario;
  before(async () => {
    s = await startScenario();
  });
  after(async () => s?.close());

  let meldingId: string;
  let raadId: string;
  let secondMeldingId: string;
  let secondRaadId: string;

  it('investigates within 10 weeks; when the term passes the team leader is asked to act', async () => {
    meldingId = await s.start('vt-frontoffice', 'melding-veilig-thuis');
    await s.complete('vt-frontoffice', 'Task_vraag_aannemen', data.vraagAannemen, meldingId);
    await s.complete('vt-frontoffice', 'Task_registreren', { ...data.registratie, vtDossiernummer: 'VT-2026-00311' }, meldingId);
    await s.complete('vt-triagist', 'Task_triage', { ...data.triage, vervolg: 'onderzoek' }, meldingId);
    await s.complete('vt-triagist', 'Task_terugkoppeling_melder', data.terugkoppelingMelder, meldingId);

    const investigation = await s.taskFor('vt-onderzoeker', 'Task_onderzoek', meldingId);
    expect(investigation.dueAt).to.equal('2026-07-01T09:00:00.000Z');
    expect(await s.advanceTo('2026-07-01T08:59:00.000Z')).to.equal(0);
    expect(await s.inbox('vt-teamleider')).to.deep.equal([]);
    expect(await s.advanceTo('2026-07-01T09:00:00.000Z')).to.equal(1);
    await s.taskFor('vt-teamleider', 'Task_opschalen_onderzoek', meldingId);
    await s.complete('vt-teamleider', 'Task_opschalen_onderzoek', data.opschaling, meldingId);
    expect(await s.openElements(meldingId)).to.deep.equal(['Task_onderzoek']);

    const wrong = await s.call('POST', `/api/tasks/${investigation.id}/complete`, {
      as: 'vt-onderzoeker',
      json: { variables: { onderzoeksbevindingen: 'Kort.', vervolg: 'onderzoek' } },
    });
    expect(failedFields(wrong)).to.deep.equal(['onderzoeksbevindingen', 'vervolg']);
    await s.complete('vt-onderzoeker', 'Task_onderzoek', { ...data.onderzoek, vervolg: 'verzoek-rvdk' }, meldingId);
  });

  it('asks the Raad with only what it needs; the Raad decides within 10 working days', async () => {
    await s.advanceTo('2026-07-02T09:00:00.000Z');
    const request = await s.taskFor('vt-onderzoeker', 'Task_verzoek_rvdk', meldingId);
    const wrong = await s.call('POST', `/api/tasks/${request.id}/complete`, { as: 'vt-onderzoeker', json: { variables: { ...data.verzoekRvdk, zorgenOverKinderen: 'Zorgen.' } } });
    expect(failedFields(wrong)).to.deep.equal(['zorgenOverKinderen']);
    await s.complete('vt-onderzoeker', 'Task_verzoek_rvdk', data.verzoekRvdk, meldingId);

    const decide = await s.taskFor('raadsonderzoeker', 'Task_beoordelen');
    raadId = decide.instanceId;
    expect(decide).to.include({ definitionKey: 'verzoek-onderzoek-rvdk', businessKey: 'VT-2026-00311', dueAt: '2026-07-16T09:00:00.000Z' });
    const view = await s.call('GET', `/api/tasks/${decide.id}`, { as: 'raadsonderzoeker' });
    expect(view.body.variables).to.include({
      vtDossiernummer: 'VT-2026-00311',
      kinderen: data.verzoekRvdk.kinderenVerzoek,
      zorgenOverKinderen: data.verzoekRvdk.zorgenOverKinderen,
      vraagAanRaad: data.verzoekRvdk.vraagAanRaad,
    });
    expect(view.body.variables).to.not.have.any.keys('melderNaam', 'melderTelefoon', 'onderbouwingTriage', 'onderzoeksbevindingen', 'betrokkenen');
    // Veilig Thuis waits for the report.
    expect(await s.openElements(meldingId)).to.deep.equal([]);
    expect((await s.call('GET', `/api/instances/${raadId}`, { as: 'vt-onderzoeker' })).status).to.equal(404);
  });

  it('investigates; the 12-week term flags a progress task without stopping the investigation', async () => {
    await s.complete('raadsonderzoeker', 'Task_beoordelen', data.verzoekBeoordelen, raadId);
    const investigation = await s.taskFor('raadsonderzoeker', 'Task_onderzoek', raadId);
    expect(investigation.dueAt).to.equal('2026-09-24T09:00:00.000Z');
    expect(await s.advanceTo('2026-09-24T09:00:00.000Z')).to.equal(1);
    const progress = await s.taskFor('raadsonderzoeker', 'Task_termijn', raadId);
    expect(progress.candidateGroups).to.deep.equal(['rvdk-onderzoek']);
    await s.complete('raadsonderzoeker', 'Task_termijn', data.voortgang, raadId);
    await s.complete('raadsonderzoeker', 'Task_onderzoek', data.raadsonderzoek, raadId);
  });

  it('asks the juvenile court for a measure and reports back to Veilig Thuis without its findings', async () => {
    await s.complete('raadsonderzoeker', 'Task_verzoek_kinderrechter', data.verzoekKinderrechter, raadId);
    expect(await s.openElements(meldingId)).to.deep.equal([]);
    await s.complete('raadsonderzoeker', 'Task_uitspraak', data.uitspraak, raadId);
    expect((await s.adminCase(raadId)).status).to.equal('completed');

    const report = await s.taskFor('vt-onderzoeker', 'Task_rapportage_rvdk', meldingId);
    const view = await s.call('GET', `/api/tasks/${report.id}`, { as: 'vt-onderzoeker' });
    expect(view.body.variables).to.include({
      besluitOnderzoek: 'starten',
      conclusieRaad: 'kinderbeschermingsmaatregel',
      adviesAanVeiligThuis: data.raadsonderzoek.adviesAanVeiligThuis,
      maatregelVerzocht: 'ondertoezichtstelling',
      uitspraakKinderrechter: 'toegewezen',
    });
    expect(view.body.variables).to.not.have.any.keys('bevindingenRaad');
    expect(view.text).to.not.contain(MARKERS.raad);
    await s.complete('vt-onderzoeker', 'Task_rapportage_rvdk', data.rapportageVerwerken, meldingId);
    expect((await s.adminCase(meldingId)).status).to.equal('completed');
  });

  it('reports at once when the Raad does not start an investigation (request straight from triage)', async () => {
    secondMeldingId = await s.start('vt-frontoffice', 'melding-veilig-thuis');
    await s.complete('vt-frontoffice', 'Task_vraag_aannemen', data.vraagAannemen, secondMeldingId);
    await s.complete('vt-frontoffice', 'Task_registreren', { ...data.registratie, vtDossiernummer: 'VT-2026-00312' }, secondMeldingId);
    await s.complete('vt-triagist', 'Task_triage', { ...data.triage, vervolg: 'verzoek-rvdk' }, secondMeldingId);
    await s.complete('vt-triagist', 'Task_terugkoppeling_melder', data.terugkoppelingMelder, secondMeldingId);
    await s.complete('vt-onderzoeker', 'Task_verzoek_rvdk', data.verzoekRvdk, secondMeldingId);
    const decide = await s.taskFor('raadsonderzoeker', 'Task_beoordelen');
    secondRaadId = decide.instanceId;
    const wrong = await s.call('POST', `/api/tasks/${decide.id}/complete`, { as: 'raadsonderzoeker', json: { variables: { besluitOnderzoek: 'later' } } });
    expect(failedFields(wrong)).to.deep.equal(['besluitOnderzoek', 'motiveringBesluit']);
    await s.complete('raadsonderzoeker', 'Task_beoordelen', { ...data.verzoekBeoordelen, besluitOnderzoek: 'niet-starten' }, secondRaadId);
    const report = await s.taskFor('vt-onderzoeker', 'Task_rapportage_rvdk', secondMeldingId);
    const view = await s.call('GET', `/api/tasks/${report.id}`, { as: 'vt-onderzoeker' });
    expect(view.body.variables).to.include({ besluitOnderzoek: 'niet-starten', motiveringBesluitRaad: data.verzoekBeoordelen.motiveringBesluit, conclusieRaad: null });
    await s.complete('vt-onderzoeker', 'Task_rapportage_rvdk', data.rapportageVerwerken, secondMeldingId);
  });

  it('kept every organisation to its own tasks and variables', async () => {
    const opened = await checkBoundaries(s, [meldingId, raadId, secondMeldingId, secondRaadId]);
    expect(opened).to.deep.include({
      raadsonderzoeker: ['verzoek-onderzoek-rvdk', 'verzoek-onderzoek-rvdk'],
      'vt-onderzoeker': ['melding-veilig-thuis', 'melding-veilig-thuis'],
      'vt-teamleider': ['melding-veilig-thuis'],
      agent: [],
      officier: [],
      reclasseerder: [],
    });
    expect(await s.pendingMessages()).to.deep.equal([]);
  });
});
