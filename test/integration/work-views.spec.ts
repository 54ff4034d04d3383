/**
 * The API behind the inbox and admin pages: task diagram and delegation candidates, the
 * deadline report and the hand-over overview (pairing a request with its feedback).
 */
import { expect } from 'chai';
import { pairHandovers } from '../../src/tasks/reports.js';
import type { OutboxRecord } from '../../src/store/port.js';
import { openTasksOf, startMelding, startTestServer, type TestServer } from './support/integration-kit.js';

function outbox(id: string, messageName: string, correlationKey: string | null, createdAt: string): OutboxRecord {
  return { id, sourceInstanceId: `i-${id}`, sourceElementId: 'e', messageName, correlationKey, variables: {}, createdAt, dueAt: createdAt, attempts: 0, lastError: null, leaseOwner: null, leaseUntil: null, state: 'delivered' };
}

describe('integration: inbox and admin views', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    await t.addUser({ id: 'vt-triagist-2', roles: ['case-worker'], organisation: 'veilig-thuis', groups: ['vt-triage'] });
    await t.addUser({ id: 'vt-triagist-off', roles: ['case-worker'], organisation: 'veilig-thuis', groups: ['vt-onderzoek'] });
  });
  after(async () => t?.close());

  it('should list as delegation candidates only case workers of the task\'s groups, never the caller, and audit the read', async () => {
    const { taskId, id } = await startMelding(t);
    const answer = await t.call('GET', `/api/tasks/${taskId}/candidates`, { as: 'vt-triagist' });
    expect(answer.status).to.equal(200);
    expect(answer.body.items.map((user: any) => user.id)).to.deep.equal(['vt-triagist-2']);
    expect(answer.body.items[0].groups).to.deep.equal(['vt-triage']);
    expect((await t.call('GET', `/api/tasks/${taskId}/candidates`, { as: 'agent' })).status).to.equal(404);
    const audit = await t.call('GET', `/api/audit?instanceId=${id}`, { as: 'auditor' });
    expect(audit.body.items.some((entry: any) => entry.action === 'task.read' && entry.actor === 'vt-triagist')).to.equal(true);
  });

  it('should give the task\'s diagram with the open steps of the case', async () => {
    const { taskId } = await startMelding(t);
    const answer = await t.call('GET', `/api/tasks/${taskId}/diagram`, { as: 'vt-triagist' });
    expect(answer.status).to.equal(200);
    expect(answer.body).to.include({ definitionKey: 'test-melding', version: 1, status: 'active' });
    expect(answer.body.xml).to.contain('<bpmn:process');
    expect(answer.body.activeElementIds).to.deep.equal(['triage']);
  });

  it('should count open tasks past their deadline per step and organisation', async () => {
    const before = await t.call('GET', '/api/reports/deadlines?definitionKey=test-melding', { as: 'admin' });
    expect(before.status).to.equal(200);
    const { id } = await startMelding(t);
    const [task] = await openTasksOf(t, id);
    expect(task.dueAt).to.be.a('string');
    t.clock.set(new Date(Date.parse(task.dueAt) + 3600_000));
    const after = await t.call('GET', '/api/reports/deadlines?definitionKey=test-melding', { as: 'admin' });
    const row = after.body.items.find((item: any) => item.elementId === 'triage');
    expect(row).to.include({ definitionKey: 'test-melding', name: 'Veiligheidsbeoordeling' });
    expect(row.organisations).to.deep.equal(['veilig-thuis']);
    expect(row.overdue).to.be.greaterThan(0);
    expect(after.body.total).to.be.greaterThan(before.body.total);
    expect((await t.call('GET', '/api/reports/deadlines', { as: 'vt-triagist' })).status).to.equal(403);
  });

  it('should answer the hand-over overview to administrators only', async () => {
    const answer = await t.call('GET', '/api/handovers', { as: 'admin' });
    expect(answer.status).to.equal(200);
    expect(answer.body.items).to.be.an('array');
    expect((await t.call('GET', '/api/handovers', { as: 'auditor' })).status).to.equal(403);
  });

  describe('pairHandovers', () => {
    const now = new Date('2026-05-20T09:00:00Z');
    it('should close a Zorgmelding by a later Terugkoppeling with the same key, and leave others awaiting or overdue', () => {
      const pairs = pairHandovers(
        [
          outbox('a', 'Zorgmelding', 'PL-1', '2026-05-18T09:00:00Z'),
          outbox('b', 'Terugkoppeling', 'PL-1', '2026-05-19T09:00:00Z'),
          outbox('c', 'Zorgmelding', 'PL-2', '2026-05-18T09:00:00Z'),
          outbox('d', 'Zorgmelding', 'PL-3', '2026-04-22T09:00:00Z'),
          outbox('e', 'Terugkoppeling', 'PL-4', '2026-05-01T09:00:00Z'),
          outbox('f', 'VerzoekHuisverbod', 'VT-1', '2026-05-01T09:00:00Z'),
        ],
        now,
      );
      expect(pairs.get('a')).to.include({ feedback: 'closed', feedbackMessage: 'Terugkoppeling', feedbackAt: '2026-05-19T09:00:00Z' });
      expect(pairs.get('c')).to.include({ feedback: 'awaiting' });
      // 22 April + 10 working days (King's Day and Liberation Day do not count) = 8 May
      expect(pairs.get('d')).to.include({ feedback: 'overdue', feedbackDueAt: '2026-05-08T09:00:00.000Z' });
      expect(pairs.get('e')).to.include({ feedback: 'none' });
      expect(pairs.get('f')).to.include({ feedback: 'awaiting', feedbackMessage: 'BesluitHuisverbod', feedbackDueAt: null });
    });
  });
});
