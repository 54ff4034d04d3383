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
  'PoolClearedOnNetworkError', // the server monitor timed out: a server that stopped answering
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

/**
 * Socket errors of Node itself: the driver passes some on unwrapped, e.g. EPIPE ("This socket
 * has been ended by the other party") when it writes to a connection the server just dropped.
 */
const UNAVAILABLE_SYSTEM_CODES = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);

const UNAVAILABLE_LABELS = ['RetryableWriteError', 'TransientTransactionError', 'ResetPool', 'SystemOverloadedError'];

interface DriverError {
  name?: string;
  code?: unknown;
  codeName?: string;
  message?: string;
  errorLabels?: string[];
  errorLabelSet?: Set<string>;
  writeErrors?: { code?: unknown }[] | { code?: unknown };
  /** The driver's own error that a MongoBulkWriteError wraps. */
  errorResponse?: unknown;
  cause?: unknown;
}

export function isDuplicateKey(error: unknown): boolean {
  const e = error as DriverError | null;
  if (!e || typeof e !== 'object') return false;
  if (e.code === 11000 || e.code === 11001) return true;
  const writeErrors = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
  return writeErrors.some((w) => w?.code === 11000);
}

export function isUnavailable(error: unknown, depth = 0): boolean {
  const e = error as DriverError | null;
  if (!e || typeof e !== 'object') return false;
  // insertMany and bulkWrite wrap a connection lost mid-write in a MongoBulkWriteError (a
  // "server" error) that holds the network error as its errorResponse: look inside.
  const wrapped = [e.errorResponse, e.cause].filter((inner) => inner instanceof Error && inner !== error);
  if (depth < 3 && wrapped.some((inner) => isUnavailable(inner, depth + 1))) return true;
  if (e.name !== undefined && UNAVAILABLE_NAMES.has(e.name)) return true;
  if (typeof e.code === 'number' && UNAVAILABLE_CODES.has(e.code)) return true;
  if (typeof e.code === 'string' && UNAVAILABLE_SYSTEM_CODES.has(e.code)) return true;
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
