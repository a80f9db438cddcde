/**
 * Sessions live in `store.kv` (namespace `session`), so every instance on the same store serves
 * them, and they expire with the kv entry. The key is the SHA-256 of the session id: the stored
 * data alone cannot be replayed as a cookie.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { KeyValueStore } from '../store/store.js';

const NAMESPACE = 'session';
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

interface SessionData {
  userId: number;
  createdAt: number;
}

const keyOf = (id: string): string => createHash('sha256').update(id).digest('base64url');

export class Sessions {
  constructor(
    private readonly kv: KeyValueStore,
    readonly ttlSeconds: number,
  ) {}

  /** A new session id (256 random bits) for `userId`. */
  async create(userId: number): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const data: SessionData = { userId, createdAt: Date.now() };
    await this.kv.set(NAMESPACE, keyOf(id), data, this.ttlSeconds * 1000);
    return id;
  }

  async find(id: string): Promise<SessionData | undefined> {
    if (!SESSION_ID.test(id)) return undefined;
    const data = (await this.kv.get(NAMESPACE, keyOf(id))) as SessionData | undefined;
    return data && typeof data.userId === 'number' ? data : undefined;
  }

  async end(id: string): Promise<void> {
    if (SESSION_ID.test(id)) await this.kv.delete(NAMESPACE, keyOf(id));
  }
}
