import { expect } from 'chai';
import { meldingV2Xml, twoStepXml } from './support/processes.js';
import { errorCode, openTasksOf, startMelding, startTestServer, type TestServer } from './support/integration-kit.js';

describe('integration: migration and modification of running cases', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    const v2 = await t.call('POST', '/api/deployments', { xml: meldingV2Xml() });
    expect(v2.status, v2.text).to.equal(201);
    expect(v2.body.deployed).to.deep.equal([{ key: 'test-melding', version: 2 }]);
    expect((await t.call('POST', '/api/deployments', { xml: twoStepXml })).status).to.equal(201);
  });
  after(async () => t?.close());

  describe('POST /api/instances/{id}/migrate', () => {
    it('should refuse with 422 naming the waiting element that has no place in the target version, and change nothing', async () => {
      const started = await t.call('POST', '/api/instances', { json: { definitionKey: 'test-melding', version: 1 } });
      const id = started.body.id;
      const before = t.count('tasks');
      const preview = await t.call('POST', `/api/instances/${id}/migration-plan`, { json: { toVersion: 2 } });
      expect([preview.status, errorCode(preview)]).to.deep.equal([422, 'migration_impossible']);
      const answer = await t.call('POST', `/api/instances/${id}/migrate`, { json: { toVersion: 2 } });
      expect([answer.status, errorCode(answer)]).to.deep.equal([422, 'migration_impossible']);
      expect(answer.body.error.details.map((detail: any) => detail.elementId)).to.deep.equal(['triage']);
      expect((await t.call('GET', `/api/instances/${id}`)).body.version).to.equal(1);
      expect(t.count('tasks')).to.equal(before);
    });

    it('should move a case to version 2 with a mapping, replacing its open task', async () => {
      const started = await t.call('POST', '/api/instances', { json: { definitionKey: 'test-melding', version: 1, variables: { melder: 'school' } } });
      const id = started.body.id;
      const plan = await t.call('POST', `/api/instances/${id}/migration-plan`, { json: { toVersion: 2, mapping: { triage: 'veiligheidsbeoordeling' } } });
      expect(plan.status).to.equal(200);
      expect(plan.body).to.deep.equal({ fromVersion: 1, toVersion: 2, moves: [{ from: 'triage', to: 'veiligheidsbeoordeling', name: 'Veiligheidsbeoordeling' }] });

      const migrated = await t.call('POST', `/api/instances/${id}/migrate`, { json: { toVersion: 2, mapping: { triage: 'veiligheidsbeoordeling' } } });
      expect(migrated.status, migrated.text).to.equal(200);
      expect(migrated.body).to.include({ id, version: 2, status: 'active' });
      expect(migrated.body.moves).to.deep.equal(plan.body.moves);

      const instance = await t.call('GET', `/api/instances/${id}`);
      expect(instance.body.version).to.equal(2);
      expect(instance.body.variables).to.deep.equal({ melder: 'school' });
      expect(instance.body.activeElements.map((element: any) => element.elementId)).to.deep.equal(['veiligheidsbeoordeling']);
      const [task] = await openTasksOf(t, id);
      expect(task.elementId).to.equal('veiligheidsbeoordeling');
      const done = await t.call('POST', `/api/tasks/${task.id}/complete`, { as: 'vt-triagist', json: { variables: { urgentie: 'acuut' } } });
      expect(done.body.instance.status).to.equal('completed');
      const history = await t.call('GET', `/api/instances/${id}/history`);
      expect(history.body.items.map((event: any) => event.type)).to.include('migrated');
    });

    it('should answer 422 for a mapping of an element the case does not wait at, 404 for an unknown version, 409 for an ended case', async () => {
      const { id, taskId } = await startMelding(t);
      const stray = await t.call('POST', `/api/instances/${id}/migrate`, { json: { toVersion: 2, mapping: { triage: 'veiligheidsbeoordeling', start: 'start' } } });
      expect(stray.status).to.equal(422);
      expect((await t.call('POST', `/api/instances/${id}/migrate`, { json: { toVersion: 9 } })).status).to.equal(404);
      await t.call('POST', `/api/tasks/${taskId}/complete`, { as: 'vt-triagist', json: { variables: { urgentie: 'acuut' } } });
      const ended = await t.call('POST', `/api/instances/${id}/migrate`, { json: { toVersion: 2, mapping: { triage: 'veiligheidsbeoordeling' } } });
      expect(ended.status).to.equal(409);
    });
  });

  describe('POST /api/instances/{id}/modify', () => {
    it('should move a case on to a later step and answer the new active elements', async () => {
      const started = await t.call('POST', '/api/instances', { json: { definitionKey: 'test-twee-stappen' } });
      const id = started.body.id;
      const [first] = await openTasksOf(t, id);
      expect(first.elementId).to.equal('stap1');

      const modified = await t.call('POST', `/api/instances/${id}/modify`, {
        json: { reason: 'stap 1 is buiten het systeem gedaan', instructions: [{ cancel: 'stap1' }, { startBefore: 'stap2' }] },
      });
      expect(modified.status, modified.text).to.equal(200);
      expect(modified.body).to.include({ id, status: 'active' });
      expect(modified.body.activeElements).to.deep.equal([{ elementId: 'stap2', name: 'Stap 2', type: modified.body.activeElements[0].type }]);
      expect((await openTasksOf(t, id)).map((task) => task.elementId)).to.deep.equal(['stap2']);
      expect((await t.call('GET', `/api/tasks/${first.id}`)).body.state).to.equal('cancelled');
      const history = await t.call('GET', `/api/instances/${id}/history`);
      const event = history.body.items.find((item: any) => item.type === 'modified');
      expect(event.actor).to.equal('admin');
    });

    it('should answer 422 when an instruction names an element that is not there or not active, and change nothing', async () => {
      const started = await t.call('POST', '/api/instances', { json: { definitionKey: 'test-twee-stappen' } });
      const id = started.body.id;
      const before = t.count('tasks');
      for (const instructions of [[{ cancel: 'stap2' }], [{ startBefore: 'bestaat-niet' }], [{ cancel: 'bestaat-niet' }]]) {
        const answer = await t.call('POST', `/api/instances/${id}/modify`, { json: { reason: 'test', instructions } });
        expect([answer.status, errorCode(answer)], JSON.stringify(instructions)).to.deep.equal([422, 'invalid_modification']);
      }
      expect(t.count('tasks')).to.equal(before);
      expect((await openTasksOf(t, id)).map((task) => task.elementId)).to.deep.equal(['stap1']);
    });

    it('should answer 400 without a reason or instructions', async () => {
      const started = await t.call('POST', '/api/instances', { json: { definitionKey: 'test-twee-stappen' } });
      expect((await t.call('POST', `/api/instances/${started.body.id}/modify`, { json: { instructions: [{ cancel: 'stap1' }] } })).status).to.equal(400);
      expect((await t.call('POST', `/api/instances/${started.body.id}/modify`, { json: { reason: 'x', instructions: [] } })).status).to.equal(400);
    });
  });
});
