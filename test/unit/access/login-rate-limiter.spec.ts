import { expect } from 'chai';
import { TooManyRequestsError } from '../../../src/access/access-errors.js';
import { LoginRateLimiter } from '../../../src/access/login-rate-limiter.js';
import { ManualClock } from '../../../src/clock.js';

const MINUTE = 60_000;

function refusal(action: () => void): TooManyRequestsError | null {
  try {
    action();
    return null;
  } catch (error) {
    expect(error).to.be.instanceOf(TooManyRequestsError);
    return error as TooManyRequestsError;
  }
}

describe('LoginRateLimiter', () => {
  let clock: ManualClock;
  let limiter: LoginRateLimiter;

  beforeEach(() => {
    clock = new ManualClock('2026-03-02T08:00:00.000Z');
    limiter = new LoginRateLimiter({ clock, maxFailuresPerUser: 5, maxFailuresPerIp: 20, windowMs: 15 * MINUTE });
  });

  it('should allow four failures of a user name and refuse after the fifth', () => {
    for (let i = 0; i < 4; i++) {
      limiter.recordFailure('agent', '10.0.0.1');
      expect(refusal(() => limiter.assertAllowed('agent', '10.0.0.1'))).to.equal(null);
    }
    limiter.recordFailure('agent', '10.0.0.1');

    const error = refusal(() => limiter.assertAllowed('agent', '10.0.0.2'));
    expect(error).to.be.instanceOf(TooManyRequestsError);
    expect(error!.kind).to.equal('too_many_requests');
    expect(error!.retryAfterSeconds).to.equal(15 * 60);
  });

  it('should allow the user name again once the oldest failure leaves the window', () => {
    for (let i = 0; i < 5; i++) {
      limiter.recordFailure('agent', null);
      clock.advance(MINUTE);
    }
    // failures at 0..4 minutes, now at minute 5: blocked until minute 15
    expect(refusal(() => limiter.assertAllowed('agent'))!.retryAfterSeconds).to.equal(10 * 60);

    clock.advance(10 * MINUTE - 1000);
    expect(refusal(() => limiter.assertAllowed('agent'))!.retryAfterSeconds).to.equal(1);
    clock.advance(1000);
    expect(refusal(() => limiter.assertAllowed('agent'))).to.equal(null);
  });

  it('should count user names case-insensitively', () => {
    for (const name of ['Agent', 'AGENT', 'agent', ' agent', 'aGent']) limiter.recordFailure(name, null);

    expect(refusal(() => limiter.assertAllowed('agent'))).to.not.equal(null);
  });

  it('should reset the user name after a successful sign-in but keep counting the address', () => {
    const strict = new LoginRateLimiter({ clock, maxFailuresPerUser: 5, maxFailuresPerIp: 6 });
    for (let i = 0; i < 4; i++) strict.recordFailure('agent', '10.0.0.1');
    strict.recordSuccess('agent');
    for (let i = 0; i < 2; i++) strict.recordFailure('agent', '10.0.0.1');

    expect(refusal(() => strict.assertAllowed('agent', '10.0.0.9'))).to.equal(null);
    expect(refusal(() => strict.assertAllowed('rechercheur', '10.0.0.1'))).to.not.equal(null);
  });

  it('should refuse an address that tried many user names', () => {
    for (let i = 0; i < 20; i++) limiter.recordFailure(`user-${i}`, '192.0.2.7');

    expect(refusal(() => limiter.assertAllowed('someone-else', '192.0.2.7'))).to.not.equal(null);
    expect(refusal(() => limiter.assertAllowed('someone-else', '::ffff:192.0.2.7'))).to.not.equal(null);
    expect(refusal(() => limiter.assertAllowed('someone-else', '192.0.2.8'))).to.equal(null);
  });

  it('should keep its memory bounded, dropping expired keys first and then the least recently failed', () => {
    const small = new LoginRateLimiter({ clock, maxKeys: 100 });
    for (let i = 0; i < 5; i++) small.recordFailure('victim', null);
    clock.advance(16 * MINUTE);
    for (let i = 0; i < 1000; i++) small.recordFailure(`spray-${i}`, `10.1.${i >> 8}.${i & 255}`);

    const size = small.size();
    expect(size.users).to.be.at.most(100);
    expect(size.ips).to.be.at.most(100);
    expect(refusal(() => small.assertAllowed('victim'))).to.equal(null);
  });
});
