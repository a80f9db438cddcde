/**
 * One transaction around everything a unit of work does, however deep (POST /batch runs whole
 * requests inside it): while `inAmbientTransaction(tx, fn)` runs, every call made in its async
 * context through `ambientStore(base)` goes to `tx`. Once `fn` has settled, whatever it left
 * behind (a deferred index check, an afterCommit hook) reaches the base store again.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Store } from '../store/store.js';
import { type BoundCache, boundMember } from './bound-members.js';

interface Ambient {
  tx: Store;
  open: boolean;
}

const storage = new AsyncLocalStorage<Ambient>();

/** True inside an open ambient transaction (a batch's operation). */
export const inAmbient = (): boolean => storage.getStore()?.open === true;

/** `base`, except inside an ambient transaction, where every member is the transaction's. */
export function ambientStore(base: Store): Store {
  const bound: BoundCache = new Map();
  // Kept by services built once (sessions, the login limiter): each call finds the transaction then.
  const kv = routed(base.kv, (tx) => tx.kv);
  return new Proxy(base, {
    get(target, prop) {
      const ambient = storage.getStore();
      if (!ambient?.open) return prop === 'kv' ? kv : boundMember(target, prop, bound);
      const value = Reflect.get(ambient.tx, prop);
      return typeof value === 'function' ? value.bind(ambient.tx) : value;
    },
  });
}

/** `base`'s members, or inside an ambient transaction those of `of(tx)`, looked up at each call. */
function routed<T extends object>(base: T, of: (tx: Store) => T): T {
  const bound: BoundCache = new Map();
  return new Proxy(base, {
    get(target, prop) {
      const ambient = storage.getStore();
      if (!ambient?.open) return boundMember(target, prop, bound);
      const inner = of(ambient.tx);
      const value = Reflect.get(inner, prop);
      return typeof value === 'function' ? value.bind(inner) : value;
    },
  });
}

/** Runs `fn` with `tx` as the store of everything it calls through an ambient store. */
export async function inAmbientTransaction<T>(tx: Store, fn: () => Promise<T>): Promise<T> {
  const ambient: Ambient = { tx, open: true };
  try {
    return await storage.run(ambient, fn);
  } finally {
    ambient.open = false;
  }
}
