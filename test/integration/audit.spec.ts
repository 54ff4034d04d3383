import { expect } from 'chai';
import Database from 'better-sqlite3';
import { errorCode, startMelding, startTestServer, START_TIME, type TestServer } from './support/integration-kit.js';

describe('integration: audit log', () => {
  let t: TestServer;
  let id: string;
  let taskId: string;
  before(async () => {
    t = await startTestServer();
    ({ id, taskId } = await startMelding(t, { melder: 'buurvrouw' }, 'VT-AUDIT'));
    await t.call('GET', `/api/instances/${id}`, { as: 'vt-triagist' });
    await t.call('GET', `/api/tasks/${taskId}`, { as: 'vt-triagist' });
    await t.call('POST', `/api/tasks/${taskId}/claim`, { as: 'vt-triagist' });
    await t.call('POST', `/api/instances/${id}/comments`, { as: 'vt-triagist', json: { text: 'gezien' } });
    await t.call('GET', `/api/instances/${id}`, { as: 'agent' });
    await t.call('POST', `/api/tasks/${taskId}/complete`, { as: 'vt-triagist', json: { variables: { urgentie: 'acuut' } } });
    await t.call('GET', `/api/instances/${id}/export`, { as: 'admin' });
  });
  after(async () => t?.close());

  it('should list entries newest first with at, actor, role, organisation, action, resource and outcome', async () => {
    const log = await t.call('GET', '/api/audit?limit=10', { as: 'auditor' });
    expect(log.status).to.equal(200);
    expect(log.body.items).to.have.length(10);
    expect(log.body.nextCursor).to.be.a('string');
    const seqs = log.body.items.map((entry: any) => entry.seq);
    expect(seqs).to.deep.equal([...seqs].sort((a: number, b: number) => b - a));
    for (const entry of log.body.items) {
      expect(entry).to.include.keys('at', 'actor', 'role', 'organisation', 'action', 'resource', 'outcome');
    }
    const next = await t.call('GET', `/api/audit?limit=10&cursor=${encodeURIComponent(log.body.nextCursor)}`, { as: 'auditor' });
    expect(next.body.items[0].seq).to.be.below(log.body.items[9].seq);
  });

  it('should record every read and change of the case, with the organisation of who did it', async () => {
    const log = await t.call('GET', `/api/audit?instanceId=${id}&limit=500`, { as: 'auditor' });
    const summary = log.body.items.map((entry: any) => `${entry.actor} ${entry.action} ${entry.outcome}`);
    expect(summary).to.include.members([
      'vt-triagist instance.read allowed',
      'vt-triagist task.read allowed',
      'vt-triagist task.claim allowed',
      'vt-triagist comment.add allowed',
      'vt-triagist task.complete allowed',
      'admin instance.export allowed',
    ]);
    const read = log.body.items.find((entry: any) => entry.actor === 'vt-triagist' && entry.action === 'instance.read');
    expect(read).to.include({ role: 'case-worker', organisation: 'veilig-thuis', resource: `instance/${id}`, instanceId: id });
    expect(log.text).not.to.contain('buurvrouw');
    // The start is recorded against the process (the case id does not exist before it).
    const starts = await t.call('GET', '/api/audit?actor=vt-frontoffice', { as: 'auditor' });
    expect(starts.body.items.find((entry: any) => entry.action === 'instance.start')).to.include({ resource: 'definition/test-melding', outcome: 'allowed' });
  });

  it('should record refused reads as denied', async () => {
    const log = await t.call('GET', '/api/audit?actor=agent', { as: 'admin' });
    const refused = log.body.items.find((entry: any) => entry.action === 'instance.read');
    expect(refused).to.include({ outcome: 'denied', organisation: 'politie', resource: `instance/${id}` });
    expect(refused.details.code).to.equal('instance_not_found');
  });

  it('should filter by time (inclusive) and answer 400 for a time that is not ISO 8601', async () => {
    const inRange = await t.call('GET', `/api/audit?from=${START_TIME}&to=${START_TIME}&limit=500`, { as: 'auditor' });
    expect(inRange.body.items.length).to.be.above(5);
    const future = await t.call('GET', '/api/audit?from=2030-01-01T00:00:00Z', { as: 'auditor' });
    expect(future.body.items).to.deep.equal([]);
    expect((await t.call('GET', '/api/audit?from=gisteren', { as: 'auditor' })).status).to.equal(400);
  });

  it('should verify an intact hash chain', async () => {
    const verify = await t.call('GET', '/api/audit/verify', { as: 'auditor' });
    expect(verify.status).to.equal(200);
    expect(verify.body.valid).to.equal(true);
    // The verification's own entry is written first, so it counts itself.
    expect(verify.body.entries).to.equal(t.count('audit_entries'));
    expect(verify.body).not.to.have.property('firstBrokenAt');
    expect(verify.body.lastHash).to.match(/^[0-9a-f]{64}$/);
  });

  it('should refuse to change an audit row through the database triggers', function () {
    if (t.storeKind !== 'sqlite') this.skip(); // MongoDB has no triggers: the database user's rights refuse it (docs/operations.md)
    const db = new Database(t.dbFile);
    try {
      expect(() => db.prepare("UPDATE audit_entries SET actor = 'iemand' WHERE seq = 3").run()).to.throw(/append-only/);
      expect(() => db.prepare('DELETE FROM audit_entries WHERE seq = 3').run()).to.throw(/append-only/);
    } finally {
      db.close();
    }
  });

  it('should detect a row changed by an attacker who drops the triggers, and keep serving', async () => {
    await t.tamperAuditEntry(4, 'iemand-anders');
    const verify = await t.call('GET', '/api/audit/verify', { as: 'auditor' });
    expect(verify.status).to.equal(200);
    expect(verify.body.valid).to.equal(false);
    expect(verify.body.firstBrokenAt).to.equal(4);
    expect(verify.body.entries).to.be.above(4);
    expect((await t.call('GET', '/api/health', { as: false })).status).to.equal(200);
    expect((await t.call('GET', `/api/instances/${id}`)).status).to.equal(200);
  });

  it('should refuse the log to case workers and process owners, and verification to administrators', async () => {
    for (const user of ['vt-triagist', 'eigenaar'] as const) {
      const answer = await t.call('GET', '/api/audit', { as: user });
      expect([answer.status, errorCode(answer)]).to.deep.equal([403, 'forbidden']);
    }
    expect((await t.call('GET', '/api/audit/verify', { as: 'admin' })).status).to.equal(403);
  });
});
