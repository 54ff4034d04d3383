import { expect } from 'chai';
import { TooManyRequestsError, UnauthenticatedError } from '../../../src/access/access-errors.js';
import { seedDemoUsers } from '../../../src/access/demo-users.js';
import { LoginRateLimiter } from '../../../src/access/login-rate-limiter.js';
import { hashPassword, TEST_SCRYPT } from '../../../src/access/password-hashing.js';
import { SessionService, SIGN_IN_FAILED, tokenHash } from '../../../src/access/session-service.js';
import { ManualClock } from '../../../src/clock.js';
import { FakeUserStore } from './fakes.js';

const HOUR = 60 * 60_000;

async function refusal(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  return expect.fail('expected a refusal');
}

describe('SessionService', () => {
  let users: FakeUserStore;
  let clock: ManualClock;
  let limiter: LoginRateLimiter;
  let sessions: SessionService;

  beforeEach(async () => {
    users = new FakeUserStore();
    clock = new ManualClock('2026-03-02T08:00:00.000Z');
    await seedDemoUsers(users, clock, { scrypt: TEST_SCRYPT });
    limiter = new LoginRateLimiter({ clock });
    sessions = new SessionService({ users, clock, rateLimiter: limiter, scrypt: TEST_SCRYPT });
  });

  describe('signIn', () => {
    it('should give a 32-byte base64url token valid for 8 hours and the user as Principal', async () => {
      const result = await sessions.signIn('vt-triagist', 'vt-triagist', { ip: '10.0.0.1' });

      expect(result.token).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(result.token, 'base64url')).to.have.length(32);
      expect(result.expiresAt).to.equal('2026-03-02T16:00:00.000Z');
      expect(result.user).to.deep.equal({
        id: 'vt-triagist',
        name: 'Triagist Veilig Thuis',
        roles: ['case-worker'],
        organisation: 'veilig-thuis',
        groups: ['vt-triage'],
      });
    });

    it('should store only the sha256 of the token', async () => {
      const { token } = await sessions.signIn('agent', 'agent');

      const stored = [...users.tokens.values()];
      expect(stored).to.have.length(1);
      expect(stored[0]).to.deep.include({ hash: tokenHash(token), userId: 'agent' });
      expect(JSON.stringify(stored)).to.not.include(token);
    });

    it('should use the configured expiry', async () => {
      const short = new SessionService({ users, clock, ttlMs: 30 * 60_000, scrypt: TEST_SCRYPT });

      expect((await short.signIn('agent', 'agent')).expiresAt).to.equal('2026-03-02T08:30:00.000Z');
    });

    it('should refuse a wrong password and an unknown user with the same error', async () => {
      const wrongPassword = await refusal(sessions.signIn('agent', 'Agent'));
      const unknownUser = await refusal(sessions.signIn('nobody', 'nobody'));

      for (const error of [wrongPassword, unknownUser]) {
        expect(error).to.be.instanceOf(UnauthenticatedError);
        expect(error).to.deep.include({ kind: 'unauthenticated', code: 'sign_in_failed', message: SIGN_IN_FAILED });
      }
      expect(users.tokens.size).to.equal(0);
    });

    it('should take about as long for an unknown user as for a wrong password (a dummy hash is checked)', async () => {
      const cost = { N: 2 ** 14, r: 8, p: 1 };
      const agent = (await users.getUser('agent'))!;
      await users.putUser({ ...agent, passwordHash: await hashPassword('agent', cost) });
      const timed = new SessionService({ users, clock, scrypt: cost });
      await refusal(timed.signIn('nobody', 'x')); // the first sign-in also makes the dummy hash

      const median = async (username: string) => {
        const runs: number[] = [];
        for (let i = 0; i < 3; i++) {
          const started = process.hrtime.bigint();
          await refusal(timed.signIn(username, 'wrong'));
          runs.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
        return runs.sort((a, b) => a - b)[1];
      };
      const unknown = await median('nobody');
      const known = await median('agent');

      // Generous bounds: timing on a shared machine is noisy; without the dummy, unknown would be ~0 ms.
      expect(unknown).to.be.greaterThan(known * 0.4);
      expect(known).to.be.greaterThan(unknown * 0.4);
    });

    it('should refuse a disabled user even with the right password', async () => {
      const agent = (await users.getUser('agent'))!;
      await users.putUser({ ...agent, disabled: true });

      const error = await refusal(sessions.signIn('agent', 'agent'));

      expect(error).to.be.instanceOf(UnauthenticatedError);
      expect(error.message).to.equal(SIGN_IN_FAILED);
    });

    it('should refuse a user without a local password (signs in elsewhere)', async () => {
      const agent = (await users.getUser('agent'))!;
      await users.putUser({ ...agent, passwordHash: null });

      expect(await refusal(sessions.signIn('agent', 'agent'))).to.be.instanceOf(UnauthenticatedError);
    });

    it('should drop roles it does not know from the Principal', async () => {
      const agent = (await users.getUser('agent'))!;
      await users.putUser({ ...agent, roles: ['case-worker', 'superuser'] });

      expect((await sessions.signIn('agent', 'agent')).user.roles).to.deep.equal(['case-worker']);
    });

    it('should refuse further sign-ins after five failures, even with the right password, until the window passes', async () => {
      for (let i = 0; i < 5; i++) await refusal(sessions.signIn('agent', 'guess', { ip: '10.0.0.1' }));

      const blocked = await refusal(sessions.signIn('agent', 'agent', { ip: '10.0.0.2' }));
      expect(blocked).to.be.instanceOf(TooManyRequestsError);
      expect((blocked as TooManyRequestsError).retryAfterSeconds).to.equal(15 * 60);

      clock.advance(15 * 60_000);
      expect((await sessions.signIn('agent', 'agent', { ip: '10.0.0.2' })).user.id).to.equal('agent');
    });

    it('should reset the failure count after a successful sign-in', async () => {
      for (let i = 0; i < 4; i++) await refusal(sessions.signIn('agent', 'guess'));
      await sessions.signIn('agent', 'agent');
      for (let i = 0; i < 4; i++) await refusal(sessions.signIn('agent', 'guess'));

      expect((await sessions.signIn('agent', 'agent')).user.id).to.equal('agent');
    });
  });

  describe('authenticate', () => {
    it('should return the Principal of a valid token', async () => {
      const { token } = await sessions.signIn('officier', 'officier');

      expect(await sessions.authenticate(token)).to.deep.include({ id: 'officier', organisation: 'om', groups: ['om-officier'] });
    });

    it('should return null for unknown or malformed tokens', async () => {
      expect(await sessions.authenticate('A'.repeat(43))).to.equal(null);
      expect(await sessions.authenticate('')).to.equal(null);
      expect(await sessions.authenticate('not a token')).to.equal(null);
    });

    it('should return null for an expired token and remove it', async () => {
      const { token } = await sessions.signIn('agent', 'agent');
      clock.advance(8 * HOUR - 1);
      expect(await sessions.authenticate(token)).to.not.equal(null);

      clock.advance(1);
      expect(await sessions.authenticate(token)).to.equal(null);
      expect(users.tokens.size).to.equal(0);
    });

    it('should return null once the user is disabled', async () => {
      const { token } = await sessions.signIn('agent', 'agent');
      const agent = (await users.getUser('agent'))!;
      await users.putUser({ ...agent, disabled: true });

      expect(await sessions.authenticate(token)).to.equal(null);
    });

    it('should see changes of the user (groups) at the next request', async () => {
      const { token } = await sessions.signIn('agent', 'agent');
      const agent = (await users.getUser('agent'))!;
      await users.putUser({ ...agent, groups: ['politie-basisteam', 'politie-hgkm'] });

      expect((await sessions.authenticate(token))!.groups).to.deep.equal(['politie-basisteam', 'politie-hgkm']);
    });
  });

  describe('signOut and purgeExpired', () => {
    it('should end the session of the token only', async () => {
      const first = await sessions.signIn('agent', 'agent');
      const second = await sessions.signIn('agent', 'agent');

      await sessions.signOut(first.token);
      await sessions.signOut(first.token);

      expect(await sessions.authenticate(first.token)).to.equal(null);
      expect(await sessions.authenticate(second.token)).to.not.equal(null);
    });

    it('should remove expired tokens', async () => {
      await sessions.signIn('agent', 'agent');
      clock.advance(HOUR);
      await sessions.signIn('officier', 'officier');
      clock.advance(7.5 * HOUR);

      expect(await sessions.purgeExpired()).to.equal(1);
      expect(users.tokens.size).to.equal(1);
    });
  });
});
