/**
 * Paging helpers every store adapter shares: the page-size rule and the opaque keyset
 * cursor (base64url of a JSON array holding the sort key of the last item of a page).
 */
import { BadRequestError } from '../errors.js';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

/** The page size to use: default 50, at least 1, at most 500. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_PAGE_LIMIT;
  return Math.min(MAX_PAGE_LIMIT, Math.max(1, Math.floor(limit)));
}

export type CursorKey = (string | number | null)[];

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by encodeCursor and checks it has the expected shape
 * ('string' | 'number' per position). Throws BadRequestError for anything else.
 */
export function decodeCursor(cursor: string, shape: ('string' | 'number')[]): CursorKey {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(key) || key.length !== shape.length) throw invalidCursor();
  shape.forEach((type, i) => {
    if (typeof key[i] !== type) throw invalidCursor();
    if (type === 'number' && !Number.isFinite(key[i])) throw invalidCursor();
  });
  return key as CursorKey;
}

function invalidCursor(): BadRequestError {
  return new BadRequestError('invalid_cursor', 'The page cursor is not valid.');
}
