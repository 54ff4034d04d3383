/**
 * The audit log (NEN 7513 idea): who did or saw what, when, on which case, with which
 * outcome. Tamper-evident: every entry's hash covers the previous entry's hash, its own
 * seq and its content, so changing, deleting or reordering any entry breaks the chain
 * from there on. (Cutting entries off the end, or rewriting the whole chain, needs an
 * outside anchor: publish `lastHash` from verify() somewhere else now and then.)
 *
 * Entries carry ids, actions and outcomes only, never case data: `details` is limited
 * to a few flat, short values (ids, counts, reasons) and anything else is refused.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { AuditEntry, AuditEntryInput, AuditOutcome, AuditQuery, AuditStore, Page } from '../store/port.js';
import type { Principal } from './principal.js';

export interface AuditVerification {
  valid: boolean;
  /** Entries scanned. */
  entries: number;
  /** seq of the first entry whose seq, prevHash or hash does not fit the chain. */
  firstBrokenAt?: number;
  /** Hash of the last entry ('' when empty): an anchor to keep outside the store. */
  lastHash: string;
}

export interface AccessEvent {
  action: string;
  resource: string;
  instanceId?: string | null;
  outcome: AuditOutcome;
  details?: Record<string, string | number | boolean | null>;
}

const MAX_DETAIL_KEYS = 20;
const MAX_DETAIL_TEXT = 200;
const VERIFY_PAGE = 500;

export class AuditService {
  constructor(
    private readonly store: AuditStore,
    private readonly clock: Clock,
  ) {}

  /** Appends an entry; the store computes seq and prevHash atomically and calls `auditHash`. */
  record(entry: AuditEntryInput): Promise<AuditEntry> {
    return this.store.append(normalise(entry), auditHash);
  }

  /** Records what a caller did, now. */
  recordFor(principal: Principal, event: AccessEvent): Promise<AuditEntry> {
    return this.record({
      at: this.clock.now().toISOString(),
      actor: principal.id,
      role: principal.roles.length > 0 ? principal.roles.join(',') : null,
      organisation: principal.organisation,
      action: event.action,
      resource: event.resource,
      instanceId: event.instanceId ?? null,
      outcome: event.outcome,
      ...(event.details === undefined ? {} : { details: event.details }),
    });
  }

  /** Newest first (GET /api/audit). */
  list(query: AuditQuery): Promise<Page<AuditEntry>> {
    return this.store.list(query);
  }

  /** Walks the whole chain, page by page, from seq 1. */
  async verify(): Promise<AuditVerification> {
    let expectedSeq = 1;
    let prevHash = '';
    let entries = 0;
    let firstBrokenAt: number | undefined;
    let after = 0;
    for (;;) {
      const page = await this.store.scan(after, VERIFY_PAGE);
      for (const entry of page) {
        entries += 1;
        if (
          firstBrokenAt === undefined &&
          (entry.seq !== expectedSeq || entry.prevHash !== prevHash || entry.hash !== auditHash(prevHash, expectedSeq, entry))
        ) {
          firstBrokenAt = entry.seq;
        }
        // Follow the stored chain so one broken entry is reported once, not every entry after it.
        expectedSeq = entry.seq + 1;
        prevHash = entry.hash;
        after = Math.max(after, entry.seq);
      }
      if (page.length < VERIFY_PAGE) break;
    }
    return { valid: firstBrokenAt === undefined, entries, lastHash: prevHash, ...(firstBrokenAt === undefined ? {} : { firstBrokenAt }) };
  }
}

/**
 * sha256 hex over the canonical JSON of { prevHash, seq, entry }, where the entry is
 * reduced to the fields of AuditEntryInput (absent role/organisation/instanceId count as
 * null, absent details as none), so a store's own columns do not change the hash.
 */
export function auditHash(prevHash: string, seq: number, entry: AuditEntryInput): string {
  const content = canonicalJson({ prevHash, seq, entry: hashedFields(entry) });
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/** JSON with object keys sorted at every level; the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('canonicalJson: numbers must be finite');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((key) => record[key] !== undefined).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  throw new Error(`canonicalJson: cannot encode a ${typeof value}`);
}

function hashedFields(entry: AuditEntryInput): Record<string, unknown> {
  return {
    at: entry.at,
    actor: entry.actor,
    role: entry.role ?? null,
    organisation: entry.organisation ?? null,
    action: entry.action,
    resource: entry.resource,
    instanceId: entry.instanceId ?? null,
    outcome: entry.outcome,
    details: entry.details ?? null,
  };
}

/**
 * Keeps only the entry's own fields and refuses details that could carry case data
 * (nested values, long texts). A refused entry is a programming error: a plain Error.
 */
function normalise(entry: AuditEntryInput): AuditEntryInput {
  const details = entry.details;
  if (details !== undefined && details !== null) {
    const keys = Object.keys(details);
    if (keys.length > MAX_DETAIL_KEYS) throw new Error(`audit details may have at most ${MAX_DETAIL_KEYS} keys`);
    for (const key of keys) {
      const value = details[key];
      const flat = value === null || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'string';
      if (!flat) throw new Error(`audit detail "${key}" must be a string, number, boolean or null (no case data)`);
      if (typeof value === 'string' && value.length > MAX_DETAIL_TEXT) {
        throw new Error(`audit detail "${key}" is longer than ${MAX_DETAIL_TEXT} characters (no case data)`);
      }
    }
  }
  return {
    at: wellFormed(entry.at),
    actor: wellFormed(entry.actor),
    role: entry.role == null ? null : wellFormed(entry.role),
    organisation: entry.organisation == null ? null : wellFormed(entry.organisation),
    action: wellFormed(entry.action),
    resource: wellFormed(entry.resource),
    instanceId: entry.instanceId == null ? null : wellFormed(entry.instanceId),
    outcome: entry.outcome,
    ...(details === undefined || details === null
      ? {}
      : { details: Object.fromEntries(Object.entries(details).map(([key, value]) => [wellFormed(key), typeof value === 'string' ? wellFormed(value) : value])) }),
  };
}

/**
 * The text as the store keeps it: a lone UTF-16 surrogate (e.g. a message name "\ud800" sent
 * as JSON) cannot be stored as UTF-8, so SQLite and BSON write U+FFFD instead. Hashing the
 * text before that replacement broke the chain for good at verify; hash what is stored.
 */
function wellFormed<T extends string>(text: T): T {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD') as T;
}
