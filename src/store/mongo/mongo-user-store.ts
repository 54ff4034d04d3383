import type { TokenRecord, UserRecord, UserStore } from '../port.js';
import { toMs, type MongoDatabase } from './mongo-database.js';
import type { TokenDoc, UserDoc } from './schemas.js';

export class MongoUserStore implements UserStore {
  constructor(private readonly db: MongoDatabase) {}

  private get users() {
    return this.db.models.users;
  }

  private get tokens() {
    return this.db.models.tokens;
  }

  async putUser(user: UserRecord): Promise<void> {
    const doc: Omit<UserDoc, '_id'> = {
      name: user.name,
      passwordHash: user.passwordHash,
      roles: [...user.roles],
      organisation: user.organisation,
      groups: [...user.groups],
      disabled: user.disabled,
      createdAt: user.createdAt,
    };
    await this.db.run(() => this.users.replaceOne({ _id: user.id }, doc, { upsert: true }).exec());
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const doc = await this.db.run(() => this.users.findOne({ _id: id }).lean<UserDoc>().exec());
    return doc ? toUser(doc) : null;
  }

  async listUsers(): Promise<UserRecord[]> {
    const docs = await this.db.run(() => this.users.find({}).sort({ _id: 1 }).lean<UserDoc[]>().exec());
    return docs.map(toUser);
  }

  async addToken(token: TokenRecord): Promise<void> {
    const doc: TokenDoc = {
      _id: token.hash,
      userId: token.userId,
      createdAt: token.createdAt,
      expiresAt: token.expiresAt,
      expiresMs: toMs(token.expiresAt, 'expiresAt'),
    };
    await this.db.run(() => this.tokens.insertMany([doc], { lean: true }));
  }

  async getToken(hash: string): Promise<TokenRecord | null> {
    const doc = await this.db.run(() => this.tokens.findOne({ _id: hash }).lean<TokenDoc>().exec());
    return doc ? toToken(doc) : null;
  }

  async deleteToken(hash: string): Promise<void> {
    await this.db.run(() => this.tokens.deleteOne({ _id: hash }).exec());
  }

  async deleteExpiredTokens(now: string): Promise<number> {
    const nowMs = toMs(now, 'now');
    const result = await this.db.run(() => this.tokens.deleteMany({ expiresMs: { $lt: nowMs } }).exec());
    return result.deletedCount;
  }

  async listTokens(): Promise<TokenRecord[]> {
    const docs = await this.db.run(() => this.tokens.find({}).sort({ _id: 1 }).lean<TokenDoc[]>().exec());
    return docs.map(toToken);
  }
}

function toUser(doc: UserDoc): UserRecord {
  return {
    id: doc._id,
    name: doc.name,
    passwordHash: doc.passwordHash,
    roles: [...doc.roles],
    organisation: doc.organisation,
    groups: [...doc.groups],
    disabled: doc.disabled,
    createdAt: doc.createdAt,
  };
}

function toToken(doc: TokenDoc): TokenRecord {
  return { hash: doc._id, userId: doc.userId, createdAt: doc.createdAt, expiresAt: doc.expiresAt };
}
