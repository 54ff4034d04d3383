/**
 * GET /api/definitions/{key}/versions/{version}/statistics: what the modeler draws on the
 * diagram (running cases waiting per element, open incidents), over real HTTP.
 */
import { expect } from 'chai';
import { errorCode, eventually, startMelding, startTestServer, type TestServer } from './support/integration-kit.js';

describe('integration: running cases per element', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => t?.close());

  it('should count the cases waiting at each element of the version, and open incidents', async () => {
    const empty = await t.call('GET', '/api/definitions/test-melding/versions/latest/statistics', { as: 'eigenaar' });
    expect([empty.status, empty.body]).to.deep.equal([200, []]);

    await startMelding(t, {}, 'STAT-1');
    const second = await startMelding(t, {}, 'STAT-2');
    const done = await startMelding(t, {}, 'STAT-3');
    await t.call('POST', `/api/tasks/${done.taskId}/claim`, { as: 'vt-triagist' });
    const completed = await t.call('POST', `/api/tasks/${done.taskId}/complete`, {
      as: 'vt-triagist',
      json: { variables: { urgentie: 'acuut', toelichting: 'beoordeeld en afgerond' } },
    });
    expect(completed.status, completed.text).to.equal(200);

    const answer = await t.call('GET', '/api/definitions/test-melding/versions/1/statistics', { as: 'eigenaar' });
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.equal([{ elementId: 'triage', active: 2, incidents: 0 }]);
    expect((await t.call('GET', '/api/definitions/test-melding/versions/latest/statistics', { as: 'admin' })).body).to.deep.equal(answer.body);
    expect(second.id).to.be.a('string');
  });

  it('should show a failing connector as an incident at its task', async () => {
    t.webhook.failures = 1000;
    const started = await t.call('POST', '/api/instances', { json: { definitionKey: 'test-webhook', variables: { zaak: 'Z-1' } } });
    expect(started.status, started.text).to.equal(201);
    await eventually(async () => (await t.call('GET', `/api/instances/${started.body.id}`)).body.incidents?.length > 0);

    const answer = await t.call('GET', '/api/definitions/test-webhook/versions/latest/statistics', { as: 'eigenaar' });
    expect(answer.body).to.deep.include({ elementId: 'informeer', active: 0, incidents: 1 });
    t.webhook.failures = 0;
  });

  it('should answer 404 for an unknown process or version and 403 for case workers', async () => {
    const unknown = await t.call('GET', '/api/definitions/onbekend/versions/latest/statistics', { as: 'eigenaar' });
    expect([unknown.status, errorCode(unknown)]).to.deep.equal([404, 'definition_not_found']);
    const version = await t.call('GET', '/api/definitions/test-melding/versions/9/statistics', { as: 'eigenaar' });
    expect([version.status, errorCode(version)]).to.deep.equal([404, 'definition_not_found']);
    const worker = await t.call('GET', '/api/definitions/test-melding/versions/latest/statistics', { as: 'vt-triagist' });
    expect(worker.status).to.equal(403);
  });
});
