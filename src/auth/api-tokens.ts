/**
 * API tokens: `vbo_` + 256 random bits, shown once at creation. Only the SHA-256 of the secret is
 * stored (a high-entropy secret needs no slow hash), so a database leak reveals no usable token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthSettings } from '../model/auth-config.js';
import type { Row, Store } from '../store/store.js';

export interface PublicToken {
  id: number;
  name: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

const SECRET = /^vbo_[A-Za-z0-9_-]{43}$/;
/** lastUsedAt is written at most once a minute per token, not on every request. */
const TOUCH_EVERY_MS = 60_000;

export const hashToken = (secret: string): string => createHash('sha256').update(secret).digest('hex');

function publicToken(row: Row): PublicToken {
  return {
    id: Number(row.id),
    name: String(row.name),
    expiresAt: (row.expiresAt as string | null) ?? null,
    lastUsedAt: (row.lastUsedAt as string | null) ?? null,
    createdAt: String(row.createdAt),
  };
}

const isExpired = (row: Row, now: number): boolean =>
  row.expiresAt != null && Date.parse(String(row.expiresAt)) <= now;

export class ApiTokens {
  constructor(
    private readonly store: Store,
    private readonly auth: AuthSettings,
  ) {}

  async create(
    userId: number,
    name: string,
    expiresAt: string | null,
  ): Promise<{ token: PublicToken; secret: string }> {
    const secret = `vbo_${randomBytes(32).toString('base64url')}`;
    const row = await this.store.insert(this.auth.tokens, {
      userId,
      name,
      tokenHash: hashToken(secret),
      expiresAt,
      lastUsedAt: null,
    });
    return { token: publicToken(row), secret };
  }

  async list(userId: number): Promise<PublicToken[]> {
    const rows = await this.store.list(this.auth.tokens, {
      where: [{ field: 'userId', op: 'eq', value: userId }],
      sort: [{ field: 'id', desc: false }],
    });
    return rows.map(publicToken);
  }

  async get(userId: number, id: unknown): Promise<PublicToken | undefined> {
    const row = await this.store.get(this.auth.tokens, id);
    return row && Number(row.userId) === userId ? publicToken(row) : undefined;
  }

  /** Deletes the token when it belongs to `userId`; false when there is no such token of theirs. */
  async revoke(userId: number, id: unknown): Promise<boolean> {
    const result = await this.store.modify(this.auth.tokens, id, (current) =>
      current && Number(current.userId) === userId ? { kind: 'delete' } : { kind: 'none' },
    );
    return result.kind === 'deleted';
  }

  /** The token's owner when `secret` names a live token; undefined when unknown, expired or revoked. */
  async authenticate(secret: string): Promise<{ tokenId: number; userId: number } | undefined> {
    if (!SECRET.test(secret)) return undefined;
    const hash = hashToken(secret);
    const [row] = await this.store.list(this.auth.tokens, {
      where: [{ field: 'tokenHash', op: 'eq', value: hash }],
      sort: [{ field: 'id', desc: false }],
      limit: 1,
    });
    if (!row || !timingSafeEqual(Buffer.from(String(row.tokenHash)), Buffer.from(hash))) return undefined;
    const now = Date.now();
    if (isExpired(row, now)) return undefined;
    if (row.lastUsedAt == null || now - Date.parse(String(row.lastUsedAt)) > TOUCH_EVERY_MS)
      await this.touch(row, now);
    return { tokenId: Number(row.id), userId: Number(row.userId) };
  }

  private async touch(row: Row, now: number): Promise<void> {
    const fields = this.auth.tokens.fields.map((f) => f.name);
    await this.store
      .modify(this.auth.tokens, row.id, (current) => {
        if (!current) return { kind: 'none' };
        const values: Row = Object.fromEntries(fields.map((n) => [n, current[n] ?? null]));
        return { kind: 'update', values: { ...values, lastUsedAt: new Date(now).toISOString() } };
      })
      .catch(() => undefined);
  }
}
