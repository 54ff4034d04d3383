/**
 * Slows down password guessing: after too many failed sign-ins within a window, further
 * attempts for that user name, or from that address, are refused without checking the
 * password until the oldest failure leaves the window (a sliding window).
 *
 * Two limits because they stop different attacks: per user name against guessing one
 * account from many addresses, per address against trying many accounts from one. The
 * per-address limit is higher because a whole office may sign in from one NAT address.
 *
 * Memory is bounded: each key keeps at most `maxFailures` timestamps, and each table
 * holds at most `maxKeys` keys (expired ones are dropped first, then the least recently
 * failed). In-process only: with several nodes each counts on its own, which still caps
 * guessing at nodes x limit.
 */
import type { Clock } from '../clock.js';
import { TooManyRequestsError } from './access-errors.js';

export interface LoginRateLimiterOptions {
  clock: Clock;
  /** Failures per user name within the window before refusing (default 5). */
  maxFailuresPerUser?: number;
  /** Failures per client address within the window before refusing (default 20). */
  maxFailuresPerIp?: number;
  /** Window length in ms (default 15 minutes). */
  windowMs?: number;
  /** Keys kept per table at most (default 10 000). */
  maxKeys?: number;
}

export class LoginRateLimiter {
  private readonly clock: Clock;
  private readonly windowMs: number;
  private readonly users: FailureTable;
  private readonly ips: FailureTable;

  constructor(options: LoginRateLimiterOptions) {
    this.clock = options.clock;
    this.windowMs = options.windowMs ?? 15 * 60_000;
    const maxKeys = options.maxKeys ?? 10_000;
    this.users = new FailureTable(options.maxFailuresPerUser ?? 5, this.windowMs, maxKeys);
    this.ips = new FailureTable(options.maxFailuresPerIp ?? 20, this.windowMs, maxKeys);
  }

  /** Throws TooManyRequestsError while the user name or the address is over its limit. */
  assertAllowed(username: string, ip?: string | null): void {
    const now = this.clock.now().getTime();
    const until = Math.max(this.users.blockedUntil(userKey(username), now), ip ? this.ips.blockedUntil(ipKey(ip), now) : 0);
    if (until > now) {
      const seconds = Math.max(1, Math.ceil((until - now) / 1000));
      throw new TooManyRequestsError('too_many_sign_in_attempts', `Too many failed sign-ins. Try again in ${seconds} seconds.`, seconds);
    }
  }

  recordFailure(username: string, ip?: string | null): void {
    const now = this.clock.now().getTime();
    this.users.add(userKey(username), now);
    if (ip) this.ips.add(ipKey(ip), now);
  }

  /**
   * A good sign-in clears the user name's failures but not the address's: otherwise one
   * valid account would let an address reset its own counter between guesses.
   */
  recordSuccess(username: string): void {
    this.users.clear(userKey(username));
  }

  /** Keys currently remembered, for tests and metrics. */
  size(): { users: number; ips: number } {
    return { users: this.users.size, ips: this.ips.size };
  }
}

/** User names are matched case-insensitively so "Admin" and "admin" share a counter. */
function userKey(username: string): string {
  return username.trim().toLowerCase();
}

/** An IPv4 address seen through an IPv6 socket (::ffff:1.2.3.4) counts as the IPv4 address. */
function ipKey(ip: string): string {
  const lower = ip.trim().toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice(7) : lower;
}

class FailureTable {
  // Map iteration order is insertion order; re-inserting on every failure keeps the least
  // recently failed key first, which is the one evicted when the table is full.
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly maxKeys: number,
  ) {}

  get size(): number {
    return this.failures.size;
  }

  blockedUntil(key: string, now: number): number {
    const times = this.live(key, now);
    return times.length >= this.max ? times[0] + this.windowMs : 0;
  }

  add(key: string, now: number): void {
    const times = [...this.live(key, now), now].slice(-this.max);
    this.failures.delete(key);
    this.failures.set(key, times);
    if (this.failures.size > this.maxKeys) this.evict(now);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  private live(key: string, now: number): number[] {
    const times = this.failures.get(key);
    if (!times) return [];
    const live = times.filter((at) => at > now - this.windowMs);
    if (live.length === 0) this.failures.delete(key);
    return live;
  }

  /** Drops expired keys; if still full, the least recently failed down to 90 %, so a
   * full table is not scanned again on every failure. */
  private evict(now: number): void {
    for (const key of [...this.failures.keys()]) this.live(key, now);
    if (this.failures.size <= this.maxKeys) return;
    const target = Math.floor(this.maxKeys * 0.9);
    for (const key of this.failures.keys()) {
      if (this.failures.size <= target) break;
      this.failures.delete(key);
    }
  }
}
