/**
 * In-memory fakes of the access-related store ports, enough for the unit tests of
 * src/access (the real adapters are proven by test/store/contract.ts).
 * Internals are public so tests can look at and tamper with what is "stored".
 */
import type {
  AuditEntry,
  AuditEntryInput,
  AuditQuery,
  AuditStore,
  Page,
  TokenRecord,
  UserRecord,
  UserStore,
} from '../../../src/store/port.js';

export class FakeUserStore implements UserStore {
  readonly users = new Map<string, UserRecord>();
  readonly tokens = new Map<string, TokenRecord>();

  async putUser(user: UserRecord): Promise<void> {
    this.users.set(user.id, structuredClone(user));
  }
  async getUser(id: string): Promise<UserRecord | null> {
    const user = this.users.get(id);
    return user ? structuredClone(user) : null;
  }
  async listUsers(): Promise<UserRecord[]> {
    return [...this.users.values()].sort((a, b) => a.id.localeCompare(b.id)).map((user) => structuredClone(user));
  }
  async addToken(token: TokenRecord): Promise<void> {
    this.tokens.set(token.hash, structuredClone(token));
  }
  async getToken(hash: string): Promise<TokenRecord | null> {
    const token = this.tokens.get(hash);
    return token ? structuredClone(token) : null;
  }
  async deleteToken(hash: string): Promise<void> {
    this.tokens.delete(hash);
  }
  async deleteExpiredTokens(now: string): Promise<number> {
    let removed = 0;
    for (const [hash, token] of this.tokens) {
      if (Date.parse(token.expiresAt) < Date.parse(now)) {
        this.tokens.delete(hash);
        removed += 1;
      }
    }
    return removed;
  }
  async listTokens(): Promise<TokenRecord[]> {
    return [...this.tokens.values()].sort((a, b) => (a.hash < b.hash ? -1 : 1)).map((token) => structuredClone(token));
  }
}

export class FakeAuditStore implements AuditStore {
  /** The stored chain in seq order; tests edit it to simulate tampering. */
  entries: AuditEntry[] = [];

  async append(entry: AuditEntryInput, hash: (prevHash: string, seq: number, entry: AuditEntryInput) => string): Promise<AuditEntry> {
    const last = this.entries.at(-1);
    const seq = (last?.seq ?? 0) + 1;
    const prevHash = last?.hash ?? '';
    const stored: AuditEntry = { ...structuredClone(entry), seq, prevHash, hash: hash(prevHash, seq, entry) };
    this.entries.push(stored);
    return structuredClone(stored);
  }

  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    const limit = Math.min(query.limit ?? 50, 500);
    const before = query.cursor === undefined ? Infinity : Number(query.cursor);
    const matching = [...this.entries]
      .reverse()
      .filter((entry) => entry.seq < before)
      .filter((entry) => query.instanceId === undefined || entry.instanceId === query.instanceId)
      .filter((entry) => query.actor === undefined || entry.actor === query.actor)
      .filter((entry) => query.from === undefined || entry.at >= query.from)
      .filter((entry) => query.to === undefined || entry.at <= query.to);
    const items = matching.slice(0, limit).map((entry) => structuredClone(entry));
    return { items, nextCursor: matching.length > limit ? String(items.at(-1)!.seq) : null };
  }

  async scan(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    return this.entries
      .filter((entry) => entry.seq > afterSeq)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit)
      .map((entry) => structuredClone(entry));
  }
}
