import { expect } from 'chai';
import { adhocXml, meldingXml } from './support/processes.js';
import { errorCode, startMelding, startTestServer, type ApiAnswer, type TestServer } from './support/integration-kit.js';

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
${adhocXml('lachen').replace(/^<\?xml[^>]*>\n/, '').replace('name="Ad hoc"', 'name="&lol4;"')}`;

const XXE = `<?xml version="1.0"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
${adhocXml('xxe').replace(/^<\?xml[^>]*>\n/, '').replace('name="Ad hoc"', 'name="&xxe;"')}`;

/** Counts of everything a refused request must leave alone. */
function snapshot(t: TestServer) {
  return {
    instances: t.count('instances'),
    definitions: t.count('definition_versions'),
    audit: t.count('audit_entries'),
    tasks: t.count('tasks'),
    drafts: t.count('drafts'),
    comments: t.count('comments'),
  };
}

describe('integration: hostile and malformed input', () => {
  let t: TestServer;
  let id: string;
  let taskId: string;
  before(async () => {
    t = await startTestServer();
    ({ id, taskId } = await startMelding(t));
    // Sign in up front: a sign-in is audited, which would count as a change below.
    await t.token('admin');
    await t.token('eigenaar');
  });
  after(async () => t?.close());

  /** Runs the request, then checks nothing changed and the server still serves. */
  async function refused(run: () => Promise<ApiAnswer>): Promise<ApiAnswer> {
    const before = snapshot(t);
    const answer = await run();
    expect(answer.status).to.be.within(400, 499);
    expect(answer.body?.error?.code, answer.text).to.be.a('string');
    expect(answer.body.error.message).to.be.a('string').and.not.equal('');
    expect(snapshot(t)).to.deep.equal(before);
    expect((await t.call('GET', '/api/health', { as: false })).status).to.equal(200);
    return answer;
  }

  describe('malformed JSON and wrong types', () => {
    it('should answer 400 malformed_json for a body that is not JSON, without echoing it', async () => {
      const answer = await refused(() =>
        t.call('POST', '/api/instances', { raw: '{"definitionKey": "test-melding", GEHEIM', headers: { 'content-type': 'application/json' } }),
      );
      expect([answer.status, errorCode(answer)]).to.deep.equal([400, 'malformed_json']);
      expect(answer.text).not.to.contain('GEHEIM');
    });

    it('should answer 400 for a JSON value that is not an object, and for a __proto__ key', async () => {
      expect((await refused(() => t.call('POST', '/api/instances', { raw: '"test-melding"', headers: { 'content-type': 'application/json' } }))).status).to.equal(400);
      expect((await refused(() => t.call('POST', '/api/instances', { json: [{ definitionKey: 'test-melding' }] }))).status).to.equal(400);
      const proto = await refused(() =>
        t.call('POST', `/api/tasks/${taskId}/complete`, { raw: '{"variables": {"__proto__": {"admin": true}}}', headers: { 'content-type': 'application/json' } }),
      );
      expect(errorCode(proto)).to.equal('malformed_json');
    });

    it('should answer 400 naming the field for wrong types', async () => {
      const cases: [string, string, unknown, string][] = [
        ['POST', '/api/instances', { definitionKey: 42 }, 'body.definitionKey'],
        ['POST', '/api/instances', { definitionKey: 'test-melding', variables: ['a'] }, 'body.variables'],
        ['POST', `/api/tasks/${taskId}/complete`, { variables: 'urgent' }, 'body.variables'],
        ['POST', `/api/tasks/${taskId}/delegate`, { userId: null }, 'body.userId'],
        ['POST', `/api/instances/${id}/cancel`, { reason: 7 }, 'body.reason'],
        ['POST', `/api/instances/${id}/migrate`, { toVersion: '2' }, 'body.toVersion'],
        ['POST', `/api/instances/${id}/modify`, { reason: 'x', instructions: [{ move: 'triage' }] }, 'body.instructions.0'],
        ['POST', '/api/messages', { name: 'TestZorgmelding', correlationKey: 12 }, 'body.correlationKey'],
        ['POST', '/api/session', { username: ['admin'], password: 'admin' }, 'body.username'],
      ];
      for (const [method, path, json, field] of cases) {
        const answer = await refused(() => t.call(method, path, { json }));
        expect([answer.status, errorCode(answer)], path).to.deep.equal([400, 'invalid_request']);
        expect(answer.body.error.details.map((detail: any) => detail.path), path).to.include(field);
      }
    });

    it('should answer 400 for bad query and path values', async () => {
      for (const path of ['/api/tasks?state=klaar', '/api/tasks?overdue=misschien', '/api/instances?limit=0', '/api/instances?limit=abc', '/api/audit?to=morgen', `/api/instances/${'x'.repeat(300)}`, '/api/forms/a%20b']) {
        const answer = await refused(() => t.call('GET', path));
        expect(answer.status, path).to.equal(400);
      }
    });
  });

  describe('unknown fields in strict bodies', () => {
    it('should answer 400 listing each unknown field', async () => {
      const cases: [string, string, unknown][] = [
        ['POST', '/api/session', { username: 'admin', password: 'admin', role: 'administrator' }],
        ['POST', '/api/instances', { definitionKey: 'test-melding', status: 'completed' }],
        ['POST', `/api/tasks/${taskId}/complete`, { variables: {}, assignee: 'admin' }],
        ['POST', `/api/tasks/${taskId}/delegate`, { userId: 'vt-triagist', force: true }],
        ['POST', `/api/instances/${id}/cancel`, { reason: 'x', hard: true }],
        ['POST', `/api/instances/${id}/comments`, { text: 'x', author: 'admin' }],
        ['POST', `/api/instances/${id}/migrate`, { toVersion: 1, force: true }],
        ['POST', `/api/instances/${id}/modify`, { reason: 'x', instructions: [{ cancel: 'triage', extra: 1 }] }],
        ['POST', '/api/messages', { name: 'TestZorgmelding', broadcast: true }],
        ['POST', '/api/deployments', { xml: meldingXml(), activate: true }],
        ['POST', '/api/validate', { xml: meldingXml(), strict: true }],
        ['PUT', '/api/drafts/test-melding', { xml: meldingXml(), owner: 'x' }],
      ];
      for (const [method, path, json] of cases) {
        const answer = await refused(() => t.call(method, path, { json, as: path.startsWith('/api/drafts') ? 'eigenaar' : 'admin' }));
        expect([answer.status, errorCode(answer)], path).to.deep.equal([400, 'invalid_request']);
        expect(answer.body.error.details.some((detail: any) => detail.message === 'Unknown field' || detail.path.startsWith('body.instructions')), path).to.equal(true);
      }
    });
  });

  describe('large bodies', () => {
    const tenMegabytes = 'x'.repeat(10 * 1024 * 1024);

    it('should answer 413 to a 10 MB JSON body', async () => {
      const answer = await refused(() => t.call('POST', '/api/instances', { json: { definitionKey: 'test-melding', variables: { blob: tenMegabytes } } }));
      expect([answer.status, errorCode(answer)]).to.deep.equal([413, 'payload_too_large']);
    });

    it('should answer 413 to a 10 MB BPMN file, as XML and as JSON', async () => {
      const padded = meldingXml().replace('</bpmn:definitions>', `<!-- ${tenMegabytes} --></bpmn:definitions>`);
      expect((await refused(() => t.call('POST', '/api/deployments', { xml: padded }))).status).to.equal(413);
      expect((await refused(() => t.call('POST', '/api/deployments', { json: { xml: padded } }))).status).to.equal(413);
      expect((await refused(() => t.call('PUT', '/api/drafts/groot', { as: 'eigenaar', xml: padded }))).status).to.equal(413);
    });

    it('should answer 415 to a body of a content type the endpoint does not take', async () => {
      const answer = await refused(() => t.call('POST', '/api/instances', { raw: 'definitionKey=test-melding', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
      expect(answer.status).to.equal(415);
      expect(answer.headers.get('accept')).to.equal('application/json');
      expect((await refused(() => t.call('POST', '/api/instances', { xml: meldingXml() }))).status).to.equal(415);
    });
  });

  describe('XML with document type or entity declarations', () => {
    it('should refuse billion laughs and XXE as XML bodies with 400 on deploy, validate and drafts', async () => {
      for (const xml of [BILLION_LAUGHS, XXE]) {
        const deploy = await refused(() => t.call('POST', '/api/deployments', { xml }));
        expect([deploy.status, errorCode(deploy)]).to.deep.equal([400, 'xml_doctype_refused']);
        expect((await refused(() => t.call('POST', '/api/validate', { xml }))).status).to.equal(400);
        expect((await refused(() => t.call('PUT', '/api/drafts/lachen', { as: 'eigenaar', xml }))).status).to.equal(400);
      }
    });

    it('should refuse the same inside JSON {xml}', async () => {
      for (const xml of [BILLION_LAUGHS, XXE]) {
        const deploy = await refused(() => t.call('POST', '/api/deployments', { json: { xml } }));
        expect([deploy.status, errorCode(deploy)]).to.deep.equal([400, 'invalid_request']);
        expect(deploy.body.error.details[0]).to.deep.equal({ path: 'body.xml', message: 'Document type and entity declarations are not allowed' });
        expect((await refused(() => t.call('PUT', '/api/drafts/lachen', { as: 'eigenaar', json: { xml } }))).status).to.equal(400);
      }
      expect((await t.call('GET', '/api/definitions/lachen')).status).to.equal(404);
      expect((await t.call('GET', '/api/definitions/xxe')).status).to.equal(404);
    });

    it('should still deploy a clean file afterwards', async () => {
      expect((await t.call('POST', '/api/deployments', { xml: adhocXml('na-de-aanval') })).status).to.equal(201);
    });
  });

  describe('unknown paths and methods', () => {
    it('should answer 404 JSON for an unknown API path and for a method a path does not have', async () => {
      const unknown = await t.call('GET', '/api/bestaat-niet');
      expect([unknown.status, errorCode(unknown)]).to.deep.equal([404, 'not_found']);
      expect((await t.call('DELETE', '/api/instances')).status).to.equal(404);
    });
  });
});
