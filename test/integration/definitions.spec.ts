import { expect } from 'chai';
import { adhocXml, invalidXml, meldingXml, triageForm } from './support/processes.js';
import { errorCode, startTestServer, type TestServer } from './support/integration-kit.js';

describe('integration: definitions, deployments, forms and drafts', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => t?.close());

  describe('GET /api/definitions', () => {
    it('should list every deployed process for process owners and administrators', async () => {
      for (const user of ['eigenaar', 'admin'] as const) {
        const list = await t.call('GET', '/api/definitions', { as: user });
        expect(list.status).to.equal(200);
        expect(list.body.nextCursor).to.equal(null);
        const keys = list.body.items.map((item: any) => item.key);
        expect(keys).to.include.members(['test-melding', 'test-timer', 'test-webhook', 'test-zorgmelding']);
        expect(list.body.items.find((item: any) => item.key === 'test-melding')).to.deep.equal({ key: 'test-melding', name: 'Testmelding', latestVersion: 1 });
      }
    });

    it('should list for a case worker only the processes their groups may start', async () => {
      const frontoffice = await t.call('GET', '/api/definitions', { as: 'vt-frontoffice' });
      expect(frontoffice.body.items.map((item: any) => item.key)).to.deep.equal(['test-melding']);
      const onderzoeker = await t.call('GET', '/api/definitions', { as: 'vt-onderzoeker' });
      expect(onderzoeker.body.items).to.deep.equal([]);
    });

    it('should page with limit and cursor', async () => {
      const first = await t.call('GET', '/api/definitions?limit=2', { as: 'admin' });
      expect(first.body.items).to.have.length(2);
      expect(first.body.nextCursor).to.be.a('string');
      const second = await t.call('GET', `/api/definitions?limit=2&cursor=${first.body.nextCursor}`, { as: 'admin' });
      expect(second.body.items.map((item: any) => item.key)).not.to.include.members(first.body.items.map((item: any) => item.key));
      const bad = await t.call('GET', '/api/definitions?cursor=%21%21', { as: 'admin' });
      expect(bad.status).to.equal(400);
      const tooMany = await t.call('GET', '/api/definitions?limit=501', { as: 'admin' });
      expect(tooMany.status).to.equal(400);
    });
  });

  describe('GET /api/definitions/{key} and its XML', () => {
    it('should give a definition with its versions', async () => {
      const definition = await t.call('GET', '/api/definitions/test-melding', { as: 'eigenaar' });
      expect(definition.status).to.equal(200);
      expect(definition.body.key).to.equal('test-melding');
      expect(definition.body.name).to.equal('Testmelding');
      expect(definition.body.versions).to.have.length(1);
      expect(definition.body.versions[0]).to.include({ version: 1, deployedBy: 'system' });
      expect(definition.body.versions[0].checksum).to.match(/^[0-9a-f]{64}$/);
    });

    it('should answer 404 for an unknown process and 403 for a case worker who may not start it', async () => {
      const unknown = await t.call('GET', '/api/definitions/bestaat-niet', { as: 'admin' });
      expect(unknown.status).to.equal(404);
      expect(errorCode(unknown)).to.equal('definition_not_found');
      expect((await t.call('GET', '/api/definitions/test-timer', { as: 'vt-frontoffice' })).status).to.equal(403);
      expect((await t.call('GET', '/api/definitions/test-melding', { as: 'vt-frontoffice' })).status).to.equal(200);
    });

    it('should give the XML of a version and of `latest` as application/xml', async () => {
      const byNumber = await t.call('GET', '/api/definitions/test-melding/versions/1/xml', { as: 'eigenaar' });
      expect(byNumber.status).to.equal(200);
      expect(byNumber.headers.get('content-type')).to.match(/^application\/xml/);
      expect(byNumber.text).to.equal(meldingXml());
      const latest = await t.call('GET', '/api/definitions/test-melding/versions/latest/xml', { as: 'eigenaar' });
      expect(latest.text).to.equal(byNumber.text);
      expect((await t.call('GET', '/api/definitions/test-melding/versions/9/xml', { as: 'eigenaar' })).status).to.equal(404);
      expect((await t.call('GET', '/api/definitions/test-melding/versions/nieuwste/xml', { as: 'eigenaar' })).status).to.equal(400);
    });
  });

  describe('POST /api/deployments', () => {
    it('should deploy XML as a new process (201) and the same file again as unchanged (200)', async () => {
      const first = await t.call('POST', '/api/deployments', { as: 'admin', xml: adhocXml('adhoc-xml') });
      expect(first.status).to.equal(201);
      expect(first.body).to.deep.equal({ deployed: [{ key: 'adhoc-xml', version: 1 }] });
      const again = await t.call('POST', '/api/deployments', { as: 'admin', xml: adhocXml('adhoc-xml') });
      expect(again.status).to.equal(200);
      expect(again.body).to.deep.equal({ deployed: [{ key: 'adhoc-xml', version: 1, unchanged: true }] });
    });

    it('should deploy JSON {xml, forms} and make version n+1 of a changed process', async () => {
      const changed = await t.call('POST', '/api/deployments', {
        as: 'admin',
        json: { xml: meldingXml('Testmelding (herzien)'), forms: { 'test-triage': triageForm } },
      });
      expect(changed.status).to.equal(201);
      expect(changed.body.deployed).to.deep.equal([{ key: 'test-melding', version: 2 }]);
      const definition = await t.call('GET', '/api/definitions/test-melding', { as: 'admin' });
      expect(definition.body.name).to.equal('Testmelding (herzien)');
      expect(definition.body.versions.map((v: any) => v.version)).to.deep.equal([1, 2]);
      expect(definition.body.versions[1].deployedBy).to.equal('admin');
    });

    it('should answer 422 invalid_bpmn with element, rule and message, and deploy nothing', async () => {
      const before = t.count('definition_versions');
      const answer = await t.call('POST', '/api/deployments', { as: 'admin', xml: invalidXml });
      expect(answer.status).to.equal(422);
      expect(errorCode(answer)).to.equal('invalid_bpmn');
      expect(answer.body.error.details).to.deep.include({
        elementId: 'zwevend',
        rule: 'samenspel/user-task-assignment',
        message: answer.body.error.details.find((d: any) => d.elementId === 'zwevend')?.message,
        severity: 'error',
      });
      expect(t.count('definition_versions')).to.equal(before);
      expect((await t.call('GET', '/api/definitions/test-invalid', { as: 'admin' })).status).to.equal(404);
    });

    it('should answer 422 for XML that does not parse', async () => {
      const answer = await t.call('POST', '/api/deployments', { as: 'admin', xml: '<bpmn:definitions><oops' });
      expect(answer.status).to.equal(422);
      expect(errorCode(answer)).to.equal('invalid_bpmn');
    });

    it('should refuse deploys by everyone but administrators with 403 and deploy nothing', async () => {
      const before = t.count('definition_versions');
      for (const user of ['eigenaar', 'vt-frontoffice', 'auditor'] as const) {
        const answer = await t.call('POST', '/api/deployments', { as: user, xml: adhocXml(`adhoc-${user}`) });
        expect(answer.status, user).to.equal(403);
      }
      expect(t.count('definition_versions')).to.equal(before);
    });

    it('should answer 415 for another content type and 400 for an empty body', async () => {
      const text = await t.call('POST', '/api/deployments', { as: 'admin', raw: adhocXml('x'), headers: { 'content-type': 'text/plain' } });
      expect(text.status).to.equal(415);
      const empty = await t.call('POST', '/api/deployments', { as: 'admin' });
      expect(empty.status).to.equal(400);
    });
  });

  describe('POST /api/validate', () => {
    it('should report problems without deploying, for process owners and administrators', async () => {
      const before = t.count('definition_versions');
      const invalid = await t.call('POST', '/api/validate', { as: 'eigenaar', xml: invalidXml });
      expect(invalid.status).to.equal(200);
      expect(invalid.body.valid).to.equal(false);
      expect(invalid.body.problems.some((p: any) => p.elementId === 'zwevend' && p.severity === 'error' && p.rule === 'samenspel/user-task-assignment')).to.equal(true);
      const valid = await t.call('POST', '/api/validate', { as: 'admin', json: { xml: meldingXml(), forms: { 'test-triage': triageForm } } });
      expect(valid.status).to.equal(200);
      expect(valid.body.valid).to.equal(true);
      expect(t.count('definition_versions')).to.equal(before);
    });

    it('should refuse case workers and auditors with 403', async () => {
      expect((await t.call('POST', '/api/validate', { as: 'vt-triagist', xml: meldingXml() })).status).to.equal(403);
      expect((await t.call('POST', '/api/validate', { as: 'auditor', xml: meldingXml() })).status).to.equal(403);
    });
  });

  describe('GET /api/forms/{formId}', () => {
    it('should give the latest form, or the version asked for', async () => {
      const latest = await t.call('GET', '/api/forms/test-triage', { as: 'vt-triagist' });
      expect(latest.status).to.equal(200);
      expect(latest.body.components.map((c: any) => c.key)).to.deep.equal(['urgentie', 'toelichting']);
      expect((await t.call('GET', '/api/forms/test-triage?version=1', { as: 'eigenaar' })).status).to.equal(200);
      expect((await t.call('GET', '/api/forms/test-triage?version=7', { as: 'eigenaar' })).status).to.equal(404);
      expect((await t.call('GET', '/api/forms/onbekend', { as: 'eigenaar' })).status).to.equal(404);
      expect((await t.call('GET', '/api/forms/test-triage', { as: 'auditor' })).status).to.equal(403);
    });
  });

  describe('drafts', () => {
    it('should save a draft with its problems, list it, give it back and delete it', async () => {
      const saved = await t.call('PUT', '/api/drafts/test-invalid', { as: 'eigenaar', xml: invalidXml });
      expect(saved.status).to.equal(200);
      expect(saved.body).to.include({ key: 'test-invalid', savedBy: 'eigenaar', savedAt: t.clock.now().toISOString() });
      expect(saved.body.problems.some((p: any) => p.elementId === 'zwevend' && p.severity === 'error')).to.equal(true);

      const json = await t.call('PUT', '/api/drafts/test-melding', { as: 'eigenaar', json: { xml: meldingXml('Concept'), forms: { 'test-triage': triageForm } } });
      expect(json.status).to.equal(200);
      expect(json.body.problems.filter((p: any) => p.severity === 'error')).to.deep.equal([]);

      const list = await t.call('GET', '/api/drafts', { as: 'admin' });
      expect(list.status).to.equal(200);
      expect(list.body.items.map((d: any) => d.key)).to.deep.equal(['test-invalid', 'test-melding']);

      const one = await t.call('GET', '/api/drafts/test-melding', { as: 'eigenaar' });
      expect(one.body.xml).to.equal(meldingXml('Concept'));
      expect(one.body.forms).to.deep.equal({ 'test-triage': triageForm });

      expect((await t.call('DELETE', '/api/drafts/test-melding', { as: 'eigenaar' })).status).to.equal(204);
      expect((await t.call('GET', '/api/drafts/test-melding', { as: 'eigenaar' })).status).to.equal(404);
      expect((await t.call('DELETE', '/api/drafts/test-melding', { as: 'eigenaar' })).status).to.equal(404);
    });

    it('should let only process owners write drafts, and process owners and administrators read them', async () => {
      expect((await t.call('PUT', '/api/drafts/x', { as: 'admin', xml: adhocXml('x') })).status).to.equal(403);
      expect((await t.call('PUT', '/api/drafts/x', { as: 'vt-triagist', xml: adhocXml('x') })).status).to.equal(403);
      expect((await t.call('GET', '/api/drafts', { as: 'vt-triagist' })).status).to.equal(403);
      expect((await t.call('GET', '/api/drafts', { as: 'auditor' })).status).to.equal(403);
      expect((await t.call('DELETE', '/api/drafts/test-invalid', { as: 'admin' })).status).to.equal(403);
    });

    it('should answer 400 for a draft key that is not a BPMN id', async () => {
      expect((await t.call('PUT', '/api/drafts/1-begint-met-cijfer', { as: 'eigenaar', xml: adhocXml('x') })).status).to.equal(400);
    });
  });
});
