/**
 * Store faults: the SQLite database becomes unavailable mid-command. A second connection
 * holds the write lock (BEGIN EXCLUSIVE) longer than the server's busy timeout
 * (SAMENSPEL_SQLITE_BUSY_MS=300): every write answers 503 with Retry-After, nothing is
 * half-applied (instance, tasks, history exactly as before), and once the lock is released the
 * same request succeeds on the same running server.
 */
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { adhocXml } from '../integration/support/processes.js';
import { startMelding, startTestServer, TEST_STORE, type ApiAnswer, type TestServer } from '../integration/support/integration-kit.js';

const RACES = 15;

describe('faults: the SQLite store locked mid-command', function () {
  this.timeout(60_000);
  if (TEST_STORE !== 'sqlite') return;

  let t: TestServer;
  let reader: Database.Database;
  let locker: Database.Database | null = null;

  before(async () => {
    t = await startTestServer({ env: { SAMENSPEL_SQLITE_BUSY_MS: '300' } });
    reader = new Database(t.dbFile, { readonly: true, fileMustExist: true });
    for (const user of ['admin', 'eigenaar', 'vt-frontoffice', 'vt-triagist', 'auditor']) await t.token(user);
  });
  afterEach(() => release());
  after(async () => {
    reader?.close();
    await t?.close();
  });

  function lock(): void {
    locker = new Database(t.dbFile, { fileMustExist: true, timeout: 5000 });
    locker.exec('BEGIN EXCLUSIVE');
  }
  function release(): void {
    if (locker === null) return;
    if (locker.inTransaction) locker.exec('ROLLBACK');
    locker.close();
    locker = null;
  }

  /** Everything about a case that a command changes. */
  function stateOf(instanceId: string) {
    return {
      instance: reader.prepare('SELECT status, revision, variables, engine_state FROM instances WHERE id = ?').get(instanceId),
      tasks: reader.prepare('SELECT id, element_id, state, assignee FROM tasks WHERE instance_id = ? ORDER BY id').all(instanceId),
      history: reader.prepare('SELECT type, element_id FROM history WHERE instance_id = ? ORDER BY seq').all(instanceId),
      timers: reader.prepare('SELECT element_id FROM timers WHERE instance_id = ?').all(instanceId),
      comments: reader.prepare('SELECT COUNT(*) AS n FROM comments WHERE instance_id = ?').get(instanceId),
    };
  }
  const totals = () => ({
    instances: t.count('instances'),
    tasks: t.count('tasks'),
    definitions: t.count('definition_versions'),
    drafts: t.count('drafts'),
    comments: t.count('comments'),
  });

  function expect503(answer: ApiAnswer, what: string): void {
    expect(answer.status, `${what}: ${answer.text}`).to.equal(503);
    expect(answer.body?.error?.code, what).to.equal('store_unavailable');
    expect(Number(answer.headers.get('retry-after')), `${what}: Retry-After`).to.be.greaterThan(0);
  }

  it('should answer 503 to a completion while locked, leave the case as it was, and complete it after the release', async () => {
    const { id, taskId } = await startMelding(t);
    const before = stateOf(id);
    lock();
    const started = Date.now();
    const refused = await t.call('POST', `/api/tasks/${taskId}/complete`, { as: 'vt-triagist', json: { variables: { urgentie: 'acuut' } } });
    const waited = Date.now() - started;
    expect503(refused, 'complete while locked');
    expect(waited, 'answered after about the busy timeout').to.be.below(5000);
    expect(stateOf(id)).to.deep.equal(before);
    // Reading a case is audited, and the audit entry cannot be written either: fail closed.
    expect503(await t.call('GET', `/api/tasks/${taskId}`, { as: 'vt-triagist' }), 'read while locked');
    release();
    const done = await t.call('POST', `/api/tasks/${taskId}/complete`, { as: 'vt-triagist', json: { variables: { urgentie: 'acuut' } } });
    expect(done.status, done.text).to.equal(200);
    const after = stateOf(id);
    expect((after.instance as { status: string }).status).to.equal('completed');
    expect(after.history.filter((event: any) => event.type === 'task-completed')).to.have.length(1);
  });

  it('should answer 503 to starts, claims, comments, cancels, deploys, drafts and messages while locked, with nothing applied', async () => {
    const { id, taskId } = await startMelding(t);
    const caseBefore = stateOf(id);
    const totalsBefore = totals();
    lock();
    const requests: [string, () => Promise<ApiAnswer>][] = [
      ['start', () => t.call('POST', '/api/instances', { as: 'vt-frontoffice', json: { definitionKey: 'test-melding', variables: {} } })],
      ['claim', () => t.call('POST', `/api/tasks/${taskId}/claim`, { as: 'vt-triagist' })],
      ['comment', () => t.call('POST', `/api/instances/${id}/comments`, { as: 'vt-triagist', json: { text: 'een opmerking' } })],
      ['cancel', () => t.call('POST', `/api/instances/${id}/cancel`, { json: { reason: 'test' } })],
      ['deploy', () => t.call('POST', '/api/deployments', { xml: adhocXml('tijdens-slot') })],
      ['draft', () => t.call('PUT', '/api/drafts/tijdens-slot', { as: 'eigenaar', xml: adhocXml('tijdens-slot') })],
      ['message', () => t.call('POST', '/api/messages', { json: { name: 'TestZorgmelding', correlationKey: 'slot-1', variables: {} } })],
      ['sign-in', () => t.call('POST', '/api/session', { as: false, json: { username: 'admin', password: 'admin' } })],
    ];
    for (const [what, request] of requests) expect503(await request(), what);
    expect(stateOf(id)).to.deep.equal(caseBefore);
    expect(totals()).to.deep.equal(totalsBefore);
    // Health (liveness) still answers; audited reads of case data fail closed.
    expect((await t.call('GET', '/api/health', { as: false })).status).to.equal(200);
    expect503(await t.call('GET', `/api/instances/${id}`), 'audited read while locked');
    release();
    // The same requests now succeed, without a restart.
    const expected: Record<string, number[]> = { start: [201], claim: [200], comment: [201], cancel: [200], deploy: [201], draft: [200, 201], message: [200, 201, 202], 'sign-in': [200] };
    for (const [what, request] of requests) {
      const answer = await request();
      expect(expected[what], `${what} after the release: ${answer.status} ${answer.text.slice(0, 300)}`).to.include(answer.status);
    }
    expect(((stateOf(id).instance as { status: string }).status)).to.equal('cancelled');
  });

  it('should leave no half-applied command when the lock arrives while commands run (15 races)', async () => {
    let applied = 0;
    let refused = 0;
    for (let round = 0; round < RACES; round++) {
      const businessKey = `race-${round}`;
      const { id, taskId } = await startMelding(t);
      const before = stateOf(id);
      // Both commands are in flight when the lock is taken a random moment later.
      const start = t.call('POST', '/api/instances', { as: 'vt-frontoffice', json: { definitionKey: 'test-melding', businessKey, variables: {} } });
      const complete = t.call('POST', `/api/tasks/${taskId}/complete`, { as: 'vt-triagist', json: { variables: { urgentie: 'acuut' } } });
      // Every third round locks at once (both are refused for sure); the others 0-15 ms later.
      if (round % 3 !== 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 15));
      lock();
      const holding = new Promise((resolve) => setTimeout(resolve, 350));
      const [started, completed] = await Promise.all([start, complete]);
      await holding;
      release();
      for (const answer of [started, completed]) {
        expect([200, 201, 503], answer.text).to.include(answer.status);
        if (answer.status === 503) refused += 1;
        else applied += 1;
      }
      const withKey = reader.prepare('SELECT COUNT(*) AS n FROM instances WHERE business_key = ?').get(businessKey) as { n: number };
      expect(withKey.n, `instances for ${businessKey} after ${started.status}`).to.equal(started.status === 201 ? 1 : 0);
      const after = stateOf(id);
      if (completed.status === 503) expect(after).to.deep.equal(before);
      else {
        expect((after.instance as { status: string }).status).to.equal('completed');
        expect(after.history.filter((event: any) => event.type === 'task-completed')).to.have.length(1);
      }
      // Whatever was refused succeeds now, on the same server.
      if (started.status === 503) {
        const again = await t.call('POST', '/api/instances', { as: 'vt-frontoffice', json: { definitionKey: 'test-melding', businessKey, variables: {} } });
        expect(again.status, again.text).to.equal(201);
      }
      if (completed.status === 503) {
        const again = await t.call('POST', `/api/tasks/${taskId}/complete`, { as: 'vt-triagist', json: { variables: { urgentie: 'acuut' } } });
        expect(again.status, again.text).to.equal(200);
        expect(stateOf(id).history.filter((event: any) => event.type === 'task-completed')).to.have.length(1);
      }
    }
    console.log(`      store faults: ${RACES} lock races, ${applied} commands committed before the lock, ${refused} refused with 503 and retried`);
    expect(refused, 'some commands met the lock').to.be.greaterThan(0);
  });

  it('should keep the audit chain valid through the refusals', async () => {
    const verify = await t.call('GET', '/api/audit/verify', { as: 'auditor' });
    expect([verify.status, verify.body.valid]).to.deep.equal([200, true]);
  });

  it('should recover a command that raced the lock: five rounds of lock, refuse, release, succeed', async () => {
    const { id, taskId } = await startMelding(t);
    for (let round = 0; round < 5; round++) {
      const before = stateOf(id);
      lock();
      expect503(await t.call('POST', `/api/tasks/${taskId}/${round % 2 === 0 ? 'claim' : 'unclaim'}`, { as: 'vt-triagist' }), `round ${round}`);
      expect(stateOf(id)).to.deep.equal(before);
      release();
      const answer = await t.call('POST', `/api/tasks/${taskId}/${round % 2 === 0 ? 'claim' : 'unclaim'}`, { as: 'vt-triagist' });
      expect(answer.status, answer.text).to.equal(200);
    }
    const done = await t.call('POST', `/api/tasks/${taskId}/complete`, { as: 'vt-triagist', json: { variables: { urgentie: 'acuut' } } });
    expect(done.status, done.text).to.equal(200);
  });
});
