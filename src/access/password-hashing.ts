/**
 * Password hashes for local users: scrypt with a random salt, stored as
 * `scrypt$N$r$p$salt$hash` (salt and hash base64) so that the cost can be raised later
 * without breaking existing hashes: verification reads the parameters from the string.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelisation. */
  p: number;
}

/**
 * 2^15 * 8 * 128 bytes = 32 MiB and about 50-100 ms per hash. OWASP's minimum is 2^17, but
 * each sign-in holds that memory on one of libuv's four pool threads; 32 MiB keeps a burst
 * of sign-ins within a small server's memory, and the login rate limiter caps guessing.
 */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

/** Cheap parameters for tests and demo seeding in tests; never for real passwords. */
export const TEST_SCRYPT: ScryptParams = { N: 2 ** 4, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
// A stored string is data: refuse parameters that would let a crafted hash exhaust memory or CPU.
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;
const MAX_MEM = 1024 * 1024 * 1024;

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  assertParams(params);
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/**
 * True when `password` matches `stored`. A malformed or out-of-bounds stored string is
 * simply no match (a broken record must not become a way in, nor crash the sign-in).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.hash.length, parsed.params);
  return timingSafeEqual(key, parsed.hash);
}

/** True when a stored hash uses other parameters than `params` (re-hash after a good sign-in). */
export function needsRehash(stored: string, params: ScryptParams = DEFAULT_SCRYPT): boolean {
  const parsed = parseHash(stored);
  return !parsed || parsed.params.N !== params.N || parsed.params.r !== params.r || parsed.params.p !== params.p;
}

function parseHash(stored: string): { params: ScryptParams; salt: Buffer; hash: Buffer } | null {
  if (typeof stored !== 'string') return null;
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map((part) => (/^\d{1,8}$/.test(part) ? Number(part) : Number.NaN));
  const params = { N, r, p };
  if (!validParams(params)) return null;
  const base64 = /^[A-Za-z0-9+/]+={0,2}$/;
  if (!base64.test(parts[4]) || !base64.test(parts[5])) return null;
  const salt = Buffer.from(parts[4], 'base64');
  const hash = Buffer.from(parts[5], 'base64');
  if (salt.length < 8 || hash.length < 16 || hash.length > 64) return null;
  return { params, salt, hash };
}

function validParams({ N, r, p }: ScryptParams): boolean {
  return (
    Number.isInteger(N) && N >= 2 && N <= MAX_N && (N & (N - 1)) === 0 &&
    Number.isInteger(r) && r >= 1 && r <= MAX_R &&
    Number.isInteger(p) && p >= 1 && p <= MAX_P &&
    memoryFor({ N, r, p }) <= MAX_MEM
  );
}

function assertParams(params: ScryptParams): void {
  if (!validParams(params)) throw new Error(`invalid scrypt parameters N=${params.N} r=${params.r} p=${params.p}`);
}

function memoryFor({ N, r, p }: ScryptParams): number {
  return 128 * N * r + 128 * r * p;
}

function derive(password: string, salt: Buffer, length: number, params: ScryptParams): Promise<Buffer> {
  // Node refuses scrypt above 32 MiB unless maxmem is raised; give each call what it needs.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: memoryFor(params) + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    // NFC: the same password typed on another device (composed vs. decomposed accents) matches.
    scrypt(password.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
