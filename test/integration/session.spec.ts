import { expect } from 'chai';
import { errorCode, startTestServer, START_TIME, type TestServer } from './support/integration-kit.js';

describe('integration: session and health', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => t?.close());

  it('should answer GET /api/health without authentication with the store and version', async () => {
    const health = await t.call('GET', '/api/health', { as: false });
    expect(health.status).to.equal(200);
    expect(health.body).to.deep.equal({ status: 'ok', store: t.storeKind, version: '0.1.0' });
  });

  it('should sign a demo user in with password = user name and give a token that expires after the configured time', async () => {
    const answer = await t.call('POST', '/api/session', { as: false, json: { username: 'vt-triagist', password: 'vt-triagist' } });
    expect(answer.status).to.equal(200);
    expect(answer.body.token).to.be.a('string').with.length.above(30);
    expect(answer.body.expiresAt).to.equal(new Date(Date.parse(START_TIME) + 480 * 60_000).toISOString());
    expect(answer.body.user).to.deep.equal({
      id: 'vt-triagist',
      name: 'Triagist Veilig Thuis',
      roles: ['case-worker'],
      organisation: 'veilig-thuis',
      groups: ['vt-triage'],
    });
  });

  it('should answer GET /api/me with the signed-in user', async () => {
    const me = await t.call('GET', '/api/me', { as: 'agent' });
    expect(me.status).to.equal(200);
    expect(me.body).to.deep.equal({ id: 'agent', name: 'Agent basisteam', roles: ['case-worker'], organisation: 'politie', groups: ['politie-basisteam'] });
  });

  it('should answer 401 with the same message for a wrong password and an unknown user', async () => {
    const wrong = await t.call('POST', '/api/session', { as: false, json: { username: 'rechercheur', password: 'geraden' } });
    const unknown = await t.call('POST', '/api/session', { as: false, json: { username: 'niemand', password: 'niemand' } });
    expect(wrong.status).to.equal(401);
    expect(unknown.status).to.equal(401);
    expect(errorCode(wrong)).to.equal('sign_in_failed');
    expect(wrong.body.error.message).to.equal(unknown.body.error.message);
    expect(wrong.text).not.to.contain('geraden');
  });

  it('should answer 400 for a sign-in body with missing or unknown fields', async () => {
    const missing = await t.call('POST', '/api/session', { as: false, json: { username: 'admin' } });
    expect(missing.status).to.equal(400);
    expect(missing.body.error.details).to.deep.include({ path: 'body.password', message: 'Invalid input: expected string, received undefined' });
    const extra = await t.call('POST', '/api/session', { as: false, json: { username: 'admin', password: 'admin', remember: true } });
    expect(extra.status).to.equal(400);
    expect(extra.body.error.details).to.deep.include({ path: 'body.remember', message: 'Unknown field' });
  });

  it('should refuse a token that is missing, malformed or unknown with 401', async () => {
    for (const authorization of [undefined, 'Bearer', 'Basic YWRtaW46YWRtaW4=', `Bearer ${'x'.repeat(43)}`]) {
      const answer = await t.call('GET', '/api/me', { as: false, headers: authorization === undefined ? {} : { authorization } });
      expect(answer.status, String(authorization)).to.equal(401);
      expect(errorCode(answer)).to.equal('unauthenticated');
      expect(answer.headers.get('www-authenticate')).to.equal('Bearer');
    }
  });

  it('should end the session on DELETE /api/session, after which the token is refused', async () => {
    const signedIn = await t.call('POST', '/api/session', { as: false, json: { username: 'officier', password: 'officier' } });
    const token = signedIn.body.token as string;
    expect((await t.call('GET', '/api/me', { as: { token } })).status).to.equal(200);
    const signOut = await t.call('DELETE', '/api/session', { as: { token } });
    expect(signOut.status).to.equal(204);
    expect((await t.call('GET', '/api/me', { as: { token } })).status).to.equal(401);
    expect((await t.call('DELETE', '/api/session', { as: { token } })).status).to.equal(401);
  });

  it('should answer 429 with Retry-After after five failed sign-ins for one user name, even with the right password, until the window passes', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await t.call('POST', '/api/session', { as: false, json: { username: 'reclasseerder', password: `fout-${i}` } })).status).to.equal(401);
    }
    const blocked = await t.call('POST', '/api/session', { as: false, json: { username: 'reclasseerder', password: 'reclasseerder' } });
    expect(blocked.status).to.equal(429);
    expect(errorCode(blocked)).to.equal('too_many_sign_in_attempts');
    expect(Number(blocked.headers.get('retry-after'))).to.be.within(1, 15 * 60);
    // Other users are not affected.
    expect((await t.call('POST', '/api/session', { as: false, json: { username: 'burgemeester', password: 'burgemeester' } })).status).to.equal(200);

    t.clock.advance(16 * 60_000);
    expect((await t.call('POST', '/api/session', { as: false, json: { username: 'reclasseerder', password: 'reclasseerder' } })).status).to.equal(200);
  });

  it('should audit sign-ins: the user on success, anonymous on failure, never the password', async () => {
    const log = await t.call('GET', '/api/audit?limit=500', { as: 'auditor' });
    expect(log.status).to.equal(200);
    const sessions = log.body.items.filter((entry: any) => entry.action === 'session.create');
    expect(sessions.some((entry: any) => entry.actor === 'vt-triagist' && entry.outcome === 'allowed')).to.equal(true);
    expect(sessions.some((entry: any) => entry.actor === 'anonymous' && entry.outcome === 'denied' && entry.details.code === 'sign_in_failed')).to.equal(true);
    expect(sessions.some((entry: any) => entry.actor === 'anonymous' && entry.details.code === 'too_many_sign_in_attempts')).to.equal(true);
    expect(log.text).not.to.contain('geraden');
    expect(log.text).not.to.contain('fout-1');
  });

  it('should refuse a token once it has expired', async () => {
    const signedIn = await t.call('POST', '/api/session', { as: false, json: { username: 'hulpofficier', password: 'hulpofficier' } });
    const token = signedIn.body.token as string;
    t.clock.advance(481 * 60_000);
    expect((await t.call('GET', '/api/me', { as: { token } })).status).to.equal(401);
  });

  describe('with SAMENSPEL_DEMO_USERS=off', () => {
    let off: TestServer;
    before(async () => {
      off = await startTestServer({ env: { SAMENSPEL_DEMO_USERS: 'off' }, files: {} });
    });
    after(async () => off?.close());

    it('should not let the demo users sign in', async () => {
      const answer = await off.call('POST', '/api/session', { as: false, json: { username: 'admin', password: 'admin' } });
      expect(answer.status).to.equal(401);
    });
  });
});
