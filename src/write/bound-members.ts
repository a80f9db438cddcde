/** Store views (Proxies over a store) hand out its methods bound to it: once per member, again if one is replaced. */
export type BoundCache = Map<PropertyKey, { of: unknown; fn: unknown }>;

/** `target[prop]`, a method bound to `target` (from `cache` while the member is the same function). */
export function boundMember(target: object, prop: PropertyKey, cache: BoundCache): unknown {
  const value = Reflect.get(target, prop);
  if (typeof value !== 'function') return value;
  const known = cache.get(prop);
  if (known !== undefined && known.of === value) return known.fn;
  const fn = value.bind(target);
  cache.set(prop, { of: value, fn });
  return fn;
}
