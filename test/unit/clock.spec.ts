import { expect } from 'chai';
import { ManualClock } from '../../src/clock.js';

describe('ManualClock', () => {
  it('should only move when advanced', () => {
    const clock = new ManualClock('2026-01-05T09:00:00.000Z');
    expect(clock.now().toISOString()).to.equal('2026-01-05T09:00:00.000Z');
    clock.advance(60_000);
    expect(clock.now().toISOString()).to.equal('2026-01-05T09:01:00.000Z');
  });
});
