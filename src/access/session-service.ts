/**
 * Local sign-in (the embedded default): user name and password against the UserStore,
 * then an opaque bearer token with a fixed expiry. Only the token's sha256 is stored, so a
 * copy of the database holds no usable tokens.
 *
 * Sign-in failures look alike from outside: unknown user, wrong password, disabled user
 * and a user without a local password all give the same UnauthenticatedError after the
 * same scrypt work (unknown users are checked against a dummy hash), so neither the
 * message nor the timing tells which user names exist.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { UserStore } from '../store/port.js';
import { UnauthenticatedError } from './access-errors.js';
import { principalFromUser, type Authenticator } from './authenticator.js';
import type { LoginRateLimiter } from './login-rate-limiter.js';
import { DEFAULT_SCRYPT, hashPassword, verifyPassword, type ScryptParams } from './password-hashing.js';
import type { Principal } from './principal.js';

export const DEFAULT_SESSION_TTL_MS = 8 * 60 * 60_000;
const TOKEN_BYTES = 32;
/** base64url of 32 bytes, no padding. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface SessionServiceOptions {
  users: UserStore;
  clock: Clock;
  /** How long a token is valid (default 8 hours). */
  ttlMs?: number;
  /** Counts failed sign-ins; without one nothing is limited (tests of other things). */
  rateLimiter?: LoginRateLimiter;
  /** The cost of the dummy hash; match the cost of the stored hashes so timing matches. */
  scrypt?: ScryptParams;
}

export interface SignInResult {
  token: string;
  expiresAt: string;
  user: Principal;
}

export const SIGN_IN_FAILED = 'Unknown user name or wrong password.';

export class SessionService implements Authenticator {
  private readonly users: UserStore;
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly limiter: LoginRateLimiter | undefined;
  private readonly scrypt: ScryptParams;
  private dummyHash: Promise<string> | undefined;

  constructor(options: SessionServiceOptions) {
    this.users = options.users;
    this.clock = options.clock;
    this.ttlMs = options.ttlMs ?? DEFAULT_SESSION_TTL_MS;
    this.limiter = options.rateLimiter;
    this.scrypt = options.scrypt ?? DEFAULT_SCRYPT;
    if (!(this.ttlMs > 0)) throw new Error('session ttlMs must be positive');
  }

  /**
   * @throws TooManyRequestsError when the user name or address failed too often (checked
   *   before the password, so a blocked guess costs no scrypt work and learns nothing)
   * @throws UnauthenticatedError('sign_in_failed') for every other refusal
   */
  async signIn(username: string, password: string, context: { ip?: string | null } = {}): Promise<SignInResult> {
    this.limiter?.assertAllowed(username, context.ip);
    const dummy = await this.dummy();
    const user = await this.users.getUser(username);
    const matches = await verifyPassword(password, user?.passwordHash ?? dummy);
    if (!user || user.passwordHash === null || user.disabled || !matches) {
      this.limiter?.recordFailure(username, context.ip);
      throw new UnauthenticatedError('sign_in_failed', SIGN_IN_FAILED);
    }
    this.limiter?.recordSuccess(username);

    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.ttlMs).toISOString();
    await this.users.addToken({ hash: tokenHash(token), userId: user.id, createdAt: now.toISOString(), expiresAt });
    return { token, expiresAt, user: principalFromUser(user) };
  }

  /** The signed-in user of a token; null for unknown, expired (then removed) or disabled. */
  async authenticate(token: string): Promise<Principal | null> {
    if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return null;
    const hash = tokenHash(token);
    const record = await this.users.getToken(hash);
    if (!record) return null;
    if (Date.parse(record.expiresAt) <= this.clock.now().getTime()) {
      await this.users.deleteToken(hash);
      return null;
    }
    const user = await this.users.getUser(record.userId);
    if (!user || user.disabled) {
      // A user switched off since sign-in loses their sessions at once.
      await this.users.deleteToken(hash);
      return null;
    }
    return principalFromUser(user);
  }

  /** Ends a session; unknown tokens are ignored (signing out twice is fine). */
  async signOut(token: string): Promise<void> {
    if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return;
    await this.users.deleteToken(tokenHash(token));
  }

  /** Removes expired tokens (call now and then, e.g. from the scheduler); returns how many. */
  purgeExpired(): Promise<number> {
    return this.users.deleteExpiredTokens(this.clock.now().toISOString());
  }

  /** Made once, on the first sign-in, with the configured cost: the stand-in for users without a hash. */
  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'), this.scrypt);
    return this.dummyHash;
  }
}

/** sha256 hex of a bearer token: the only form in which tokens are stored. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
