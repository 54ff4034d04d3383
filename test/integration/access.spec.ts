import { expect } from 'chai';
import { meldingXml, triageForm } from './support/processes.js';
import { DEMO_USER_IDS, errorCode, openTasksOf, startMelding, startTestServer, type DemoUserId, type TestServer } from './support/integration-kit.js';

type User = DemoUserId;
const ALL: readonly User[] = DEMO_USER_IDS;
const CASE_WORKERS: readonly User[] = ALL.filter((user) => !['eigenaar', 'admin', 'auditor'].includes(user));

interface Fixture {
  caseId: string;
  taskId: string;
  runs: number;
}

interface Row {
  name: string;
  method: string;
  /** Builds the request for one user; may prepare fresh resources (a case, a draft, a token) first. */
  request(t: TestServer, fx: Fixture, user: User): Promise<{ path: string; json?: unknown; xml?: string; token?: string }>;
  /** Expected status per user; users not named get `otherwise`. */
  allowed: Partial<Record<User, number>>;
  otherwise: number;
}

const only = (users: readonly User[], status: number): Partial<Record<User, number>> => Object.fromEntries(users.map((user) => [user, status]));

async function freshCase(t: TestServer): Promise<{ id: string; taskId: string }> {
  return startMelding(t);
}

/**
 * The role x endpoint matrix: every endpoint of API.md, every demo user. Refusals are 403
 * for actions on nothing in particular and 404 for a case or task the user may not know.
 */
const ROWS: Row[] = [
  { name: 'GET /api/me', method: 'GET', request: async () => ({ path: '/api/me' }), allowed: only(ALL, 200), otherwise: 0 },
  {
    name: 'DELETE /api/session',
    method: 'DELETE',
    request: async (t, _fx, user) => {
      const session = await t.call('POST', '/api/session', { as: false, json: { username: user, password: user } });
      return { path: '/api/session', token: session.body.token };
    },
    allowed: only(ALL, 204),
    otherwise: 0,
  },
  { name: 'GET /api/openapi.json', method: 'GET', request: async () => ({ path: '/api/openapi.json' }), allowed: only(ALL, 200), otherwise: 0 },
  { name: 'GET /api/definitions', method: 'GET', request: async () => ({ path: '/api/definitions' }), allowed: only([...CASE_WORKERS, 'eigenaar', 'admin'], 200), otherwise: 403 },
  {
    name: 'GET /api/definitions/{key}',
    method: 'GET',
    request: async () => ({ path: '/api/definitions/test-melding' }),
    allowed: only(['eigenaar', 'admin', 'vt-frontoffice', 'agent'], 200),
    otherwise: 403,
  },
  {
    name: 'GET /api/definitions/{key}/versions/{version}/xml',
    method: 'GET',
    request: async () => ({ path: '/api/definitions/test-melding/versions/latest/xml' }),
    allowed: only(['eigenaar', 'admin', 'vt-frontoffice', 'agent'], 200),
    otherwise: 403,
  },
  {
    name: 'GET /api/definitions/{key}/versions/{version}/statistics',
    method: 'GET',
    request: async () => ({ path: '/api/definitions/test-melding/versions/latest/statistics' }),
    allowed: only(['eigenaar', 'admin'], 200),
    otherwise: 403,
  },
  {
    name: 'POST /api/deployments',
    method: 'POST',
    request: async () => ({ path: '/api/deployments', xml: meldingXml() }),
    allowed: { admin: 200 },
    otherwise: 403,
  },
  { name: 'POST /api/validate', method: 'POST', request: async () => ({ path: '/api/validate', xml: meldingXml() }), allowed: only(['eigenaar', 'admin'], 200), otherwise: 403 },
  { name: 'GET /api/forms/{formId}', method: 'GET', request: async () => ({ path: '/api/forms/test-triage' }), allowed: only([...CASE_WORKERS, 'eigenaar', 'admin'], 200), otherwise: 403 },
  { name: 'GET /api/drafts', method: 'GET', request: async () => ({ path: '/api/drafts' }), allowed: only(['eigenaar', 'admin'], 200), otherwise: 403 },
  { name: 'GET /api/drafts/{key}', method: 'GET', request: async () => ({ path: '/api/drafts/matrix' }), allowed: only(['eigenaar', 'admin'], 200), otherwise: 403 },
  {
    name: 'PUT /api/drafts/{key}',
    method: 'PUT',
    request: async () => ({ path: '/api/drafts/matrix', json: { xml: meldingXml('Matrix'), forms: { 'test-triage': triageForm } } }),
    allowed: { eigenaar: 200 },
    otherwise: 403,
  },
  {
    name: 'DELETE /api/drafts/{key}',
    method: 'DELETE',
    request: async (t, fx) => {
      const key = `weg-${++fx.runs}`;
      await t.call('PUT', `/api/drafts/${key}`, { as: 'eigenaar', xml: meldingXml() });
      return { path: `/api/drafts/${key}` };
    },
    allowed: { eigenaar: 204 },
    otherwise: 403,
  },
  {
    name: 'POST /api/instances',
    method: 'POST',
    request: async () => ({ path: '/api/instances', json: { definitionKey: 'test-melding' } }),
    allowed: only(['admin', 'vt-frontoffice', 'agent'], 201),
    otherwise: 403,
  },
  { name: 'GET /api/instances', method: 'GET', request: async () => ({ path: '/api/instances' }), allowed: { admin: 200 }, otherwise: 403 },
  { name: 'GET /api/instances/{id}', method: 'GET', request: async (_t, fx) => ({ path: `/api/instances/${fx.caseId}` }), allowed: only(['admin', 'vt-triagist'], 200), otherwise: 404 },
  {
    name: 'GET /api/instances/{id}/history',
    method: 'GET',
    request: async (_t, fx) => ({ path: `/api/instances/${fx.caseId}/history` }),
    allowed: only(['admin', 'vt-triagist'], 200),
    otherwise: 404,
  },
  {
    name: 'GET /api/instances/{id}/comments',
    method: 'GET',
    request: async (_t, fx) => ({ path: `/api/instances/${fx.caseId}/comments` }),
    allowed: only(['admin', 'vt-triagist'], 200),
    otherwise: 404,
  },
  {
    name: 'POST /api/instances/{id}/comments',
    method: 'POST',
    request: async (_t, fx) => ({ path: `/api/instances/${fx.caseId}/comments`, json: { text: 'opmerking' } }),
    allowed: only(['admin', 'vt-triagist'], 201),
    otherwise: 404,
  },
  {
    name: 'POST /api/instances/{id}/cancel',
    method: 'POST',
    request: async (t) => ({ path: `/api/instances/${(await freshCase(t)).id}/cancel`, json: { reason: 'matrix' } }),
    allowed: { admin: 200, 'vt-triagist': 403 },
    otherwise: 404,
  },
  {
    name: 'POST /api/instances/{id}/migrate',
    method: 'POST',
    request: async (t) => ({ path: `/api/instances/${(await freshCase(t)).id}/migrate`, json: { toVersion: 1 } }),
    allowed: { admin: 200, 'vt-triagist': 403 },
    otherwise: 404,
  },
  {
    name: 'POST /api/instances/{id}/migration-plan',
    method: 'POST',
    request: async (_t, fx) => ({ path: `/api/instances/${fx.caseId}/migration-plan`, json: { toVersion: 1 } }),
    allowed: { admin: 200, 'vt-triagist': 403 },
    otherwise: 404,
  },
  {
    name: 'POST /api/instances/{id}/modify',
    method: 'POST',
    request: async (t) => ({
      path: `/api/instances/${(await freshCase(t)).id}/modify`,
      json: { reason: 'matrix', instructions: [{ startBefore: 'end' }] },
    }),
    allowed: { admin: 200, 'vt-triagist': 403 },
    otherwise: 404,
  },
  {
    name: 'POST /api/instances/{id}/incidents/{incidentId}/retry',
    method: 'POST',
    request: async (t) => {
      t.webhook.failures = 1;
      const started = await t.call('POST', '/api/instances', { json: { definitionKey: 'test-webhook', variables: { zaak: 'M' } } });
      const incident = (await t.call('GET', `/api/instances/${started.body.id}`)).body.incidents[0];
      t.webhook.failures = 0;
      return { path: `/api/instances/${started.body.id}/incidents/${incident.id}/retry` };
    },
    allowed: { admin: 200 },
    otherwise: 404,
  },
  {
    name: 'GET /api/instances/{id}/export',
    method: 'GET',
    request: async (_t, fx) => ({ path: `/api/instances/${fx.caseId}/export` }),
    allowed: { admin: 200, 'vt-triagist': 403 },
    otherwise: 404,
  },
  { name: 'GET /api/tasks', method: 'GET', request: async () => ({ path: '/api/tasks' }), allowed: only(ALL, 200), otherwise: 0 },
  { name: 'GET /api/tasks/{id}', method: 'GET', request: async (_t, fx) => ({ path: `/api/tasks/${fx.taskId}` }), allowed: only(['admin', 'vt-triagist'], 200), otherwise: 404 },
  { name: 'GET /api/tasks/{id}/diagram', method: 'GET', request: async (_t, fx) => ({ path: `/api/tasks/${fx.taskId}/diagram` }), allowed: only(['admin', 'vt-triagist'], 200), otherwise: 404 },
  { name: 'GET /api/tasks/{id}/candidates', method: 'GET', request: async (_t, fx) => ({ path: `/api/tasks/${fx.taskId}/candidates` }), allowed: only(['admin', 'vt-triagist'], 200), otherwise: 404 },
  {
    name: 'POST /api/tasks/{id}/claim',
    method: 'POST',
    request: async (t) => ({ path: `/api/tasks/${(await freshCase(t)).taskId}/claim` }),
    allowed: { 'vt-triagist': 200, admin: 403 },
    otherwise: 404,
  },
  {
    name: 'POST /api/tasks/{id}/unclaim',
    method: 'POST',
    request: async (t) => {
      const { taskId } = await freshCase(t);
      await t.call('POST', `/api/tasks/${taskId}/claim`, { as: 'vt-triagist' });
      return { path: `/api/tasks/${taskId}/unclaim` };
    },
    allowed: { 'vt-triagist': 200, admin: 200 },
    otherwise: 404,
  },
  {
    name: 'POST /api/tasks/{id}/delegate',
    method: 'POST',
    request: async (t) => ({ path: `/api/tasks/${(await freshCase(t)).taskId}/delegate`, json: { userId: 'vt-triagist' } }),
    allowed: { 'vt-triagist': 200, admin: 200 },
    otherwise: 404,
  },
  {
    name: 'POST /api/tasks/{id}/complete',
    method: 'POST',
    request: async (t) => ({ path: `/api/tasks/${(await freshCase(t)).taskId}/complete`, json: { variables: { urgentie: 'acuut' } } }),
    allowed: { 'vt-triagist': 200, admin: 403 },
    otherwise: 404,
  },
  {
    name: 'POST /api/messages',
    method: 'POST',
    request: async (_t, fx) => {
      const key = `PL-M-${++fx.runs}`;
      return { path: '/api/messages', json: { name: 'TestZorgmelding', correlationKey: key, variables: { registratienummer: key } } };
    },
    allowed: { admin: 200 },
    otherwise: 403,
  },
  { name: 'GET /api/reports/deadlines', method: 'GET', request: async () => ({ path: '/api/reports/deadlines' }), allowed: { admin: 200 }, otherwise: 403 },
  { name: 'GET /api/handovers', method: 'GET', request: async () => ({ path: '/api/handovers' }), allowed: { admin: 200 }, otherwise: 403 },
  { name: 'GET /api/messages', method: 'GET', request: async () => ({ path: '/api/messages?state=pending' }), allowed: { admin: 200 }, otherwise: 403 },
  { name: 'GET /api/audit', method: 'GET', request: async () => ({ path: '/api/audit?limit=5' }), allowed: only(['auditor', 'admin'], 200), otherwise: 403 },
  { name: 'GET /api/audit/verify', method: 'GET', request: async () => ({ path: '/api/audit/verify' }), allowed: { auditor: 200 }, otherwise: 403 },
  { name: 'GET /api/retention/due', method: 'GET', request: async () => ({ path: '/api/retention/due' }), allowed: { admin: 200 }, otherwise: 403 },
  { name: 'POST /api/retention/run', method: 'POST', request: async () => ({ path: '/api/retention/run' }), allowed: { admin: 200 }, otherwise: 403 },
];

describe('integration: access', () => {
  let t: TestServer;
  let fx: Fixture;
  before(async () => {
    t = await startTestServer();
    const { id, taskId } = await startMelding(t);
    fx = { caseId: id, taskId, runs: 0 };
    await t.call('PUT', '/api/drafts/matrix', { as: 'eigenaar', xml: meldingXml() });
  });
  after(async () => t?.close());

  describe('role x endpoint matrix (every demo user)', () => {
    for (const row of ROWS) {
      it(`${row.name}: ${Object.entries(row.allowed).map(([user, status]) => `${user} ${status}`).join(', ') || '-'}; others ${row.otherwise || '-'}`, async () => {
        const seen: string[] = [];
        const wanted: string[] = [];
        for (const user of ALL) {
          const expected = row.allowed[user] ?? row.otherwise;
          const request = await row.request(t, fx, user);
          const answer = await t.call(row.method, request.path, {
            as: request.token !== undefined ? { token: request.token } : user,
            ...(request.json !== undefined ? { json: request.json } : {}),
            ...(request.xml !== undefined ? { xml: request.xml } : {}),
          });
          seen.push(`${user} ${answer.status}${answer.status >= 400 ? ` ${errorCode(answer)}` : ''}`);
          wanted.push(`${user} ${expected}${expected >= 400 ? ` ${errorCode(answer)}` : ''}`);
        }
        expect(seen).to.deep.equal(wanted);
      });
    }

    it('should cover every route of the OpenAPI document', async () => {
      const doc = (await t.call('GET', '/api/openapi.json')).body;
      const declared = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
        Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
      );
      const covered = new Set([...ROWS.map((row) => row.name), 'POST /api/session', 'GET /api/health']);
      expect(declared.filter((route) => !covered.has(route))).to.deep.equal([]);
    });
  });

  describe('without a token', () => {
    it('should answer 401 on every protected endpoint of the OpenAPI document, before reading any body', async () => {
      const doc = (await t.call('GET', '/api/openapi.json')).body;
      const protectedRoutes: string[] = [];
      const answers: string[] = [];
      for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { security?: unknown[] }>>)) {
        for (const [method, operation] of Object.entries(item)) {
          if (Array.isArray(operation.security) && operation.security.length === 0) continue;
          const concrete = path.replace(/\{version\}/g, 'latest').replace(/\{[^}]+\}/g, 'x1');
          protectedRoutes.push(`${method.toUpperCase()} ${path}`);
          const answer = await t.call(method.toUpperCase(), concrete, { as: false, ...(['post', 'put'].includes(method) ? { json: {} } : {}) });
          answers.push(`${method.toUpperCase()} ${path} ${answer.status} ${errorCode(answer)}`);
        }
      }
      expect(protectedRoutes.length).to.be.at.least(35);
      expect(answers).to.deep.equal(protectedRoutes.map((route) => `${route} 401 unauthenticated`));
    });
  });

  describe('organisation boundaries', () => {
    it('should keep a task of Veilig Thuis from the police: not listed, 404 on read, claim and complete, and nothing changed', async () => {
      const { id, taskId } = await startMelding(t, {}, 'VT-GRENS');
      for (const user of ['agent', 'rechercheur', 'officier', 'vt-onderzoeker'] as const) {
        const list = await t.call('GET', '/api/tasks?businessKey=VT-GRENS', { as: user });
        expect(list.body.items, user).to.deep.equal([]);
        const read = await t.call('GET', `/api/tasks/${taskId}`, { as: user });
        expect([read.status, errorCode(read)], user).to.deep.equal([404, 'task_not_found']);
        expect((await t.call('POST', `/api/tasks/${taskId}/claim`, { as: user })).status, user).to.equal(404);
        const complete = await t.call('POST', `/api/tasks/${taskId}/complete`, { as: user, json: { variables: { urgentie: 'acuut' } } });
        expect([complete.status, errorCode(complete)], user).to.deep.equal([404, 'task_not_found']);
        expect((await t.call('GET', `/api/instances/${id}`, { as: user })).status, user).to.equal(404);
      }
      const [task] = await openTasksOf(t, id);
      expect(task).to.include({ id: taskId, state: 'open', assignee: null });
    });

    it('should audit the refused attempts with outcome denied or failed', async () => {
      const log = await t.call('GET', '/api/audit?actor=agent&limit=200', { as: 'auditor' });
      const completes = log.body.items.filter((entry: any) => entry.action === 'task.complete');
      expect(completes.length).to.be.at.least(1);
      expect(completes.every((entry: any) => entry.outcome === 'denied' && entry.organisation === 'politie')).to.equal(true);
    });
  });

  describe('variables limited to one organisation', () => {
    const variables = { algemeen: 'voor iedereen in de zaak', antecedenten: 'GEHEIM-POLITIE-123', triageNotitie: 'ALLEEN-VT-456' };
    let id: string;
    let taskId: string;
    before(async () => {
      // A police officer seconded to the triage group: takes part in the case, but for the police.
      await t.addUser({ id: 'politie-in-triage', roles: ['case-worker'], organisation: 'politie', groups: ['vt-triage'] });
      const started = await t.call('POST', '/api/instances', { as: 'agent', json: { definitionKey: 'test-melding', variables } });
      id = started.body.id;
      taskId = (await openTasksOf(t, id))[0].id;
      await t.call('POST', `/api/instances/${id}/comments`, { as: 'vt-triagist', json: { text: 'Alleen voor Veilig Thuis', visibleTo: ['veilig-thuis'] } });
    });

    it('should give Veilig Thuis the case and task without the police-only variable, anywhere', async () => {
      const instance = await t.call('GET', `/api/instances/${id}`, { as: 'vt-triagist' });
      expect(instance.body.variables).to.deep.equal({ algemeen: variables.algemeen, triageNotitie: variables.triageNotitie });
      const task = await t.call('GET', `/api/tasks/${taskId}`, { as: 'vt-triagist' });
      expect(task.body.variables).to.deep.equal({ algemeen: variables.algemeen, triageNotitie: variables.triageNotitie });
      for (const path of [`/api/instances/${id}`, `/api/instances/${id}/history`, `/api/instances/${id}/comments`, `/api/tasks/${taskId}`, `/api/tasks?instanceId=${id}`]) {
        const answer = await t.call('GET', path, { as: 'vt-triagist' });
        expect(answer.status, path).to.equal(200);
        expect(answer.text, path).not.to.contain('GEHEIM-POLITIE-123');
      }
    });

    it('should give the police participant the police-only variable but not the Veilig Thuis one, nor its comment', async () => {
      const instance = await t.call('GET', `/api/instances/${id}`, { as: 'politie-in-triage' });
      expect(instance.body.variables).to.deep.equal({ algemeen: variables.algemeen, antecedenten: variables.antecedenten });
      const task = await t.call('GET', `/api/tasks/${taskId}`, { as: 'politie-in-triage' });
      expect(task.body.variables).to.deep.equal({ algemeen: variables.algemeen, antecedenten: variables.antecedenten });
      for (const path of [`/api/instances/${id}`, `/api/instances/${id}/history`, `/api/instances/${id}/comments`, `/api/tasks/${taskId}`]) {
        const answer = await t.call('GET', path, { as: 'politie-in-triage' });
        expect(answer.text, path).not.to.contain('ALLEEN-VT-456');
        expect(answer.text, path).not.to.contain('Alleen voor Veilig Thuis');
      }
    });

    it('should give administrators everything, and auditors and process owners no case data', async () => {
      expect((await t.call('GET', `/api/instances/${id}`, { as: 'admin' })).body.variables).to.deep.equal(variables);
      for (const user of ['auditor', 'eigenaar'] as const) {
        expect((await t.call('GET', `/api/instances/${id}`, { as: user })).status).to.equal(404);
        expect((await t.call('GET', `/api/tasks/${taskId}`, { as: user })).status).to.equal(404);
      }
    });

    it('should never put variable values into the audit log', async () => {
      const log = await t.call('GET', `/api/audit?instanceId=${id}&limit=500`, { as: 'auditor' });
      expect(log.body.items.length).to.be.at.least(5);
      expect(log.text).not.to.contain('GEHEIM-POLITIE-123');
      expect(log.text).not.to.contain('ALLEEN-VT-456');
    });
  });
});
