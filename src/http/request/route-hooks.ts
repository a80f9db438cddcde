/** Route-level hooks added from an `onRoute` hook: the routes that need them pay, the others do not. */

/** Appends `hook` to a route option that may hold nothing, one hook or a list. */
export function withHook<T>(existing: T | T[] | undefined, hook: unknown): T[] {
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  return [...list, hook as T];
}
