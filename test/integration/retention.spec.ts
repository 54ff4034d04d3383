import { expect } from 'chai';
import { startMelding, startTestServer, type TestServer } from './support/integration-kit.js';

const DAY = 24 * 60 * 60_000;

describe('integration: retention and case export', () => {
  let t: TestServer;
  let ended: string;
  let endedTask: string;
  let running: string;
  before(async () => {
    t = await startTestServer();
    ({ id: ended, taskId: endedTask } = await startMelding(t, { melder: 'BIJZONDER-PERSOONSGEGEVEN' }, 'VT-BEWAAR'));
    await t.call('POST', `/api/instances/${ended}/comments`, { as: 'vt-triagist', json: { text: 'VERTROUWELIJKE-OPMERKING' } });
    const done = await t.call('POST', `/api/tasks/${endedTask}/complete`, { as: 'vt-triagist', json: { variables: { urgentie: 'acuut', toelichting: 'ernstige zorgen over de kinderen' } } });
    expect(done.body.instance.status).to.equal('completed');
    ({ id: running } = await startMelding(t, { melder: 'LOPENDE-ZAAK' }));
  });
  after(async () => t?.close());

  it('should export everything stored about a case for an administrator, auditing the export itself', async () => {
    const exported = await t.call('GET', `/api/instances/${ended}/export`);
    expect(exported.status).to.equal(200);
    expect(exported.body.instance).to.include({ id: ended, businessKey: 'VT-BEWAAR', status: 'completed' });
    expect(exported.body.instance.variables).to.include({ melder: 'BIJZONDER-PERSOONSGEGEVEN', urgentie: 'acuut' });
    expect(exported.body.instance).not.to.have.property('engineState');
    expect(exported.body.tasks.map((task: any) => task.id)).to.deep.equal([endedTask]);
    expect(exported.body.history.map((event: any) => event.type)).to.include.members(['started', 'task-completed', 'completed']);
    expect(exported.body.comments.map((comment: any) => comment.text)).to.deep.equal(['VERTROUWELIJKE-OPMERKING']);
    const exportEntry = exported.body.auditTrail.find((entry: any) => entry.action === 'instance.export');
    expect(exportEntry).to.include({ actor: 'admin', outcome: 'allowed', instanceId: ended });
    expect((await t.call('GET', '/api/instances/onbekend/export')).status).to.equal(404);
  });

  it('should list nothing as due before the retention period (30 days for this process) is over', async () => {
    const due = await t.call('GET', '/api/retention/due');
    expect(due.status).to.equal(200);
    const melding = due.body.items.find((item: any) => item.definitionKey === 'test-melding');
    expect(melding.retentionDays).to.equal(30);
    expect(melding.instances).to.deep.equal([]);
    const timer = due.body.items.find((item: any) => item.definitionKey === 'test-timer');
    expect(timer.retentionDays).to.equal(3650);
  });

  it('should list the ended case as due once the period is over, and delete its case data on the run', async () => {
    t.clock.advance(31 * DAY);
    const due = await t.call('GET', '/api/retention/due');
    const melding = due.body.items.find((item: any) => item.definitionKey === 'test-melding');
    expect(melding.instances.map((instance: any) => instance.id)).to.deep.equal([ended]);

    const run = await t.call('POST', '/api/retention/run');
    expect(run.status).to.equal(200);
    expect(run.body).to.deep.equal({ purged: 1 });

    const instance = await t.call('GET', `/api/instances/${ended}`);
    expect(instance.status).to.equal(200);
    expect(instance.body).to.include({ id: ended, status: 'completed' });
    expect(instance.body.variables).to.deep.equal({});
    const exported = await t.call('GET', `/api/instances/${ended}/export`);
    expect(exported.text).not.to.contain('BIJZONDER-PERSOONSGEGEVEN');
    expect(exported.text).not.to.contain('VERTROUWELIJKE-OPMERKING');
    expect(exported.text).not.to.contain('ernstige zorgen');
    expect(exported.body.instance.purgedAt).to.equal(t.clock.now().toISOString());
    // The skeleton stays: who did what, when.
    expect(exported.body.tasks[0]).to.include({ id: endedTask, completedBy: 'vt-triagist', state: 'completed' });
    expect(exported.body.history.map((event: any) => event.type)).to.include.members(['started', 'task-completed', 'completed']);
  });

  it('should keep a running case, whatever its age', async () => {
    const instance = await t.call('GET', `/api/instances/${running}`);
    expect(instance.body.variables).to.deep.equal({ melder: 'LOPENDE-ZAAK' });
    expect((await t.call('POST', '/api/retention/run')).body).to.deep.equal({ purged: 0 });
  });

  it('should keep the audit trail: the purge is recorded and the hash chain still verifies', async () => {
    const log = await t.call('GET', `/api/audit?instanceId=${ended}&limit=500`, { as: 'auditor' });
    const purge = log.body.items.find((entry: any) => entry.action === 'instance.purge');
    expect(purge).to.include({ actor: 'system', outcome: 'allowed', resource: `instance/${ended}` });
    expect(log.body.items.some((entry: any) => entry.action === 'task.complete' && entry.actor === 'vt-triagist')).to.equal(true);
    const verify = await t.call('GET', '/api/audit/verify', { as: 'auditor' });
    expect(verify.body.valid).to.equal(true);
  });

  it('should purge through the scheduled job as well (runRetention), once the next case is due', async () => {
    const { taskId } = await startMelding(t, { melder: 'TWEEDE' });
    await t.call('POST', `/api/tasks/${taskId}/complete`, { as: 'vt-triagist', json: { variables: { urgentie: 'niet-acuut' } } });
    expect(await t.server.runRetention()).to.equal(0);
    t.clock.advance(31 * DAY);
    expect(await t.server.runRetention()).to.equal(1);
    expect((await t.call('GET', '/api/audit/verify', { as: 'auditor' })).body.valid).to.equal(true);
  });
});
