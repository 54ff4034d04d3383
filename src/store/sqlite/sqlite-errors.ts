/**
 * The one place where SQLite (and file system) failures become the typed errors of
 * src/errors.ts:
 * - a duplicate primary key or unique value -> ConflictError;
 * - the database cannot be written or read right now (busy after the busy timeout,
 *   locked, read-only, cannot open, disk I/O, disk full, not a database) -> UnavailableError.
 * Anything else (a bug: NOT NULL, CHECK, SQL errors) is passed through unchanged.
 */
import Database from 'better-sqlite3';
import { ConflictError, SamenspelError, UnavailableError } from '../../errors.js';

const UNAVAILABLE_CODES = [
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_READONLY',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_PROTOCOL',
  'SQLITE_NOMEM',
  'SQLITE_PERM',
  'SQLITE_NOTADB',
  'SQLITE_CORRUPT',
  'SQLITE_AUTH',
];

const CONFLICT_CODES = ['SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT_UNIQUE'];

/** File system errors met while opening (creating the directory, opening the file). */
const UNAVAILABLE_FS_CODES = ['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'ENOTDIR', 'EIO', 'EDQUOT', 'EEXIST'];

export function toStoreError(error: unknown): unknown {
  if (error instanceof SamenspelError) return error;
  if (error instanceof Database.SqliteError) {
    const code = error.code;
    if (CONFLICT_CODES.includes(code)) {
      return new ConflictError('duplicate_id', 'A record with this id already exists.');
    }
    if (UNAVAILABLE_CODES.some((prefix) => code === prefix || code.startsWith(`${prefix}_`))) {
      return new UnavailableError('store_unavailable', `The SQLite store is unavailable (${code}).`);
    }
    return error;
  }
  const fsCode = (error as NodeJS.ErrnoException | null)?.code;
  if (error instanceof Error && typeof fsCode === 'string' && UNAVAILABLE_FS_CODES.includes(fsCode)) {
    return new UnavailableError('store_unavailable', `The SQLite store cannot be opened (${fsCode}).`);
  }
  return error;
}
