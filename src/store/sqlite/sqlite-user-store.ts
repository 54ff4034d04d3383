import type { TokenRecord, UserRecord, UserStore } from '../port.js';
import { fromJson, toJson, toMs, type SqliteDatabase } from './sqlite-database.js';

interface UserRow {
  id: string;
  name: string;
  password_hash: string | null;
  roles: string;
  organisation: string | null;
  groups: string;
  disabled: number;
  created_at: string;
}

interface TokenRow {
  hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
}

export class SqliteUserStore implements UserStore {
  private readonly upsertUser;
  private readonly selectUser;
  private readonly selectUsers;
  private readonly insertToken;
  private readonly selectToken;
  private readonly removeToken;
  private readonly removeExpiredTokens;
  private readonly selectTokens;

  constructor(private readonly sqlite: SqliteDatabase) {
    this.upsertUser = sqlite.statement(
      `INSERT INTO users (id, name, password_hash, roles, organisation, groups, disabled, created_at)
       VALUES (@id, @name, @passwordHash, @roles, @organisation, @groups, @disabled, @createdAt)
       ON CONFLICT (id) DO UPDATE SET
         name = excluded.name, password_hash = excluded.password_hash, roles = excluded.roles,
         organisation = excluded.organisation, groups = excluded.groups, disabled = excluded.disabled,
         created_at = excluded.created_at`,
    );
    this.selectUser = sqlite.statement<UserRow>(`SELECT * FROM users WHERE id = ?`);
    this.selectUsers = sqlite.statement<UserRow>(`SELECT * FROM users ORDER BY id`);
    this.insertToken = sqlite.statement(
      `INSERT INTO tokens (hash, user_id, created_at, expires_at, expires_ms) VALUES (?, ?, ?, ?, ?)`,
    );
    this.selectToken = sqlite.statement<TokenRow>(`SELECT * FROM tokens WHERE hash = ?`);
    this.removeToken = sqlite.statement(`DELETE FROM tokens WHERE hash = ?`);
    this.removeExpiredTokens = sqlite.statement(`DELETE FROM tokens WHERE expires_ms < ?`);
    this.selectTokens = sqlite.statement<TokenRow>(`SELECT * FROM tokens ORDER BY hash`);
  }

  async putUser(user: UserRecord): Promise<void> {
    const params = {
      id: user.id,
      name: user.name,
      passwordHash: user.passwordHash,
      roles: toJson(user.roles),
      organisation: user.organisation,
      groups: toJson(user.groups),
      disabled: user.disabled ? 1 : 0,
      createdAt: user.createdAt,
    };
    this.sqlite.run(() => this.upsertUser.run(params));
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const row = this.sqlite.run(() => this.selectUser.get(id));
    return row ? toUser(row) : null;
  }

  async listUsers(): Promise<UserRecord[]> {
    return this.sqlite.run(() => this.selectUsers.all()).map(toUser);
  }

  async addToken(token: TokenRecord): Promise<void> {
    const expiresMs = toMs(token.expiresAt, 'expiresAt');
    this.sqlite.run(() =>
      this.insertToken.run(token.hash, token.userId, token.createdAt, token.expiresAt, expiresMs),
    );
  }

  async getToken(hash: string): Promise<TokenRecord | null> {
    const row = this.sqlite.run(() => this.selectToken.get(hash));
    return row ? toToken(row) : null;
  }

  async deleteToken(hash: string): Promise<void> {
    this.sqlite.run(() => this.removeToken.run(hash));
  }

  async deleteExpiredTokens(now: string): Promise<number> {
    const nowMs = toMs(now, 'now');
    return this.sqlite.run(() => this.removeExpiredTokens.run(nowMs)).changes;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return this.sqlite.run(() => this.selectTokens.all()).map(toToken);
  }
}

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    name: row.name,
    passwordHash: row.password_hash,
    roles: fromJson<string[]>(row.roles),
    organisation: row.organisation,
    groups: fromJson<string[]>(row.groups),
    disabled: row.disabled === 1,
    createdAt: row.created_at,
  };
}

function toToken(row: TokenRow): TokenRecord {
  return {
    hash: row.hash,
    userId: row.user_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}
