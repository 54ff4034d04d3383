/**
 * The one place where MongoDB driver and mongoose failures become the typed errors of
 * src/errors.ts:
 * - a duplicate key (code 11000) -> ConflictError;
 * - the database cannot be reached right now (network errors, no server selectable within
 *   the timeout, a primary stepping down, a pool cleared, a closed client) -> UnavailableError,
 *   which the API answers with 503; the driver reconnects by itself, so the next call after
 *   the database is back succeeds without a restart.
 * Anything else (a bug) is passed through unchanged.
 */
import { ConflictError, SamenspelError, UnavailableError } from '../../errors.js';

const UNAVAILABLE_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoClientClosedError',
  'MongoServerClosedError',
  'MongoPoolClosedError',
  'MongoPoolClearedError',
  'MongoWaitQueueTimeoutError',
  'MongoOperationTimeoutError',
  'MongoStalePrimaryError',
  'MongoWriteConcernError',
]);

/** Server error codes that mean "not now" rather than "wrong". */
const UNAVAILABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  50, // MaxTimeMSExpired
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

const UNAVAILABLE_LABELS = ['RetryableWriteError', 'TransientTransactionError', 'ResetPool', 'SystemOverloadedError'];

interface DriverError {
  name?: string;
  code?: unknown;
  codeName?: string;
  message?: string;
  errorLabels?: string[];
  errorLabelSet?: Set<string>;
  writeErrors?: { code?: unknown }[] | { code?: unknown };
}

export function isDuplicateKey(error: unknown): boolean {
  const e = error as DriverError | null;
  if (!e || typeof e !== 'object') return false;
  if (e.code === 11000 || e.code === 11001) return true;
  const writeErrors = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
  return writeErrors.some((w) => w?.code === 11000);
}

export function isUnavailable(error: unknown): boolean {
  const e = error as DriverError | null;
  if (!e || typeof e !== 'object') return false;
  if (e.name !== undefined && UNAVAILABLE_NAMES.has(e.name)) return true;
  if (typeof e.code === 'number' && UNAVAILABLE_CODES.has(e.code)) return true;
  const labels = e.errorLabelSet ? [...e.errorLabelSet] : (e.errorLabels ?? []);
  if (labels.some((label) => UNAVAILABLE_LABELS.includes(label))) return true;
  // mongoose, with bufferCommands off, refuses calls while it has no connection.
  if (e.name === 'MongooseError' && /initial connection|connection .*closed|client must be connected/i.test(e.message ?? '')) return true;
  return false;
}

export function toStoreError(error: unknown): unknown {
  if (error instanceof SamenspelError) return error;
  if (isDuplicateKey(error)) return new ConflictError('duplicate_id', 'A record with this id already exists.');
  if (isUnavailable(error)) {
    const e = error as DriverError;
    return new UnavailableError('store_unavailable', `The MongoDB store is unavailable (${e.name ?? 'error'}: ${e.message ?? ''}).`);
  }
  return error;
}
