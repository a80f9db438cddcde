/**
 * Sign-in attempt limits per client address and per account, kept in `store.kv` so every
 * instance counts together. Each attempt claims one of `max` slots with the atomic putIfAbsent
 * (no lost updates under concurrency: the (max+1)-th parallel attempt finds no free slot); a slot
 * frees itself `windowSeconds` after its attempt (a sliding window), and a successful sign-in gives
 * its slots back.
 */
import { createHash } from 'node:crypto';
import type { LoginLimit } from '../model/auth-config.js';
import type { KeyValueStore } from '../store/store.js';

const NAMESPACE = 'login-attempt';

interface Slot {
  until: number;
}

export type Claim = { ok: true; release(): Promise<void> } | { ok: false; retryAfterSeconds: number };

const hashed = (s: string): string => createHash('sha256').update(s).digest('base64url').slice(0, 32);

export class LoginLimiter {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly limit: LoginLimit,
  ) {}

  private async claimOne(
    key: string,
    max: number,
  ): Promise<{ slot: string } | { retryAfterSeconds: number }> {
    const windowMs = this.limit.windowSeconds * 1000;
    for (let i = 0; i < max; i++) {
      const slot = `${key}#${i}`;
      if (
        await this.kv.putIfAbsent(NAMESPACE, slot, { until: Date.now() + windowMs } satisfies Slot, windowMs)
      )
        return { slot };
    }
    let soonest = Date.now() + windowMs;
    for (let i = 0; i < max; i++) {
      const held = (await this.kv.get(NAMESPACE, `${key}#${i}`)) as Slot | undefined;
      soonest = Math.min(soonest, held?.until ?? Date.now());
    }
    return { retryAfterSeconds: Math.max(1, Math.ceil((soonest - Date.now()) / 1000)) };
  }

  /** One attempt from `address` on the account `email`. */
  async claim(address: string, email: string): Promise<Claim> {
    const claimed: string[] = [];
    const release = async () => {
      for (const slot of claimed) await this.kv.delete(NAMESPACE, slot);
    };
    for (const [key, max] of [
      [`addr:${hashed(address)}`, this.limit.perAddress],
      [`acct:${hashed(email)}`, this.limit.perAccount],
    ] as const) {
      const got = await this.claimOne(key, max);
      if ('retryAfterSeconds' in got) return { ok: false, retryAfterSeconds: got.retryAfterSeconds };
      claimed.push(got.slot);
    }
    return { ok: true, release };
  }
}
