/** `createClient<Resources>(options)`: one property per resource (`client.customers`), sessions, raw requests. */

import { type BatchOperation, type BatchResults, runBatch } from './batch-client.js';
import type { ApiResponse, ClientOptions, RequestSpec } from './client-options.js';
import type { CallOptions, LooseResources, ResourceMap } from './client-types.js';
import { HttpTransport } from './http-transport.js';
import { type ResourceClient, resourceClient } from './resource-client.js';

/** Sessions (docs/auth.md): `POST /auth/login` sets a cookie the client keeps; logout ends it. */
export interface AuthClient<User = Record<string, unknown>> {
  /** Logs in and keeps the session cookie (Node: in the client; browsers: the browser's jar). */
  login(email: string, password: string, options?: CallOptions): Promise<User>;
  /** Ends the session on the server and forgets the cookie. */
  logout(options?: CallOptions): Promise<void>;
  /** The signed-in user (401 → VerboError when there is none). */
  me(options?: CallOptions): Promise<User>;
}

export type VerboClient<R = LooseResources> = {
  readonly [K in keyof R]: ResourceClient<R, K>;
} & {
  readonly auth: AuthClient;
  /** Any call, for routes the typed methods do not cover: `client.request({ method: 'OPTIONS', path: '/customers' })`. */
  request<T = unknown>(spec: RequestSpec): Promise<ApiResponse<T>>;
  /** A resource by name (same as `client[name]`). */
  resource<K extends keyof R>(name: K): ResourceClient<R, K>;
  /**
   * Several operations in one transaction (POST /batch): all results, or a VerboError and nothing
   * written. Each result's body is typed by its operation (a create or read gives the record, a
   * list read an array of records, a delete null).
   */
  batch<const O extends readonly BatchOperation<R>[]>(
    operations: O,
    options?: CallOptions,
  ): Promise<BatchResults<R, O>>;
};

/** Names that are properties of the client itself, never resources. */
const OWN = new Set(['auth', 'request', 'resource', 'batch', 'then']);
const RESOURCE_NAME = /^[a-z][a-z0-9_]*$/;

function authClient(transport: HttpTransport): AuthClient {
  return {
    async login(email, password, options) {
      const res = await transport.request<Record<string, unknown>>({
        method: 'POST',
        path: '/auth/login',
        body: { email, password },
        idempotencyKey: false,
        ...options,
      });
      return res.data;
    },
    async logout(options) {
      try {
        await transport.request({ method: 'POST', path: '/auth/logout', idempotencyKey: false, ...options });
      } finally {
        transport.jar.clear();
      }
    },
    async me(options) {
      const res = await transport.request<Record<string, unknown>>({
        method: 'GET',
        path: '/auth/me',
        ...options,
      });
      return res.data;
    },
  };
}

/**
 * A client for one verbo API. With the types `verbo types` writes:
 * `createClient<Resources>({ baseUrl: 'http://localhost:3000' })`; without them, records are loosely typed.
 */
export function createClient<R extends ResourceMap<R> = LooseResources>(
  options: ClientOptions,
): VerboClient<R> {
  const transport = new HttpTransport(options);
  const resources = new Map<string, unknown>();
  const resource = (name: string) => {
    if (!RESOURCE_NAME.test(name)) throw new TypeError(`not a resource name: ${name}`);
    const known = resources.get(name);
    if (known) return known;
    const made = resourceClient(transport, name);
    resources.set(name, made);
    return made;
  };
  const own: Record<string, unknown> = {
    auth: authClient(transport),
    request: (spec: RequestSpec) => transport.request(spec),
    resource,
    batch: (operations: readonly unknown[], callOptions?: CallOptions) =>
      runBatch(transport, operations, callOptions),
  };
  return new Proxy(own, {
    get(target, prop) {
      if (typeof prop !== 'string') return undefined;
      if (OWN.has(prop)) return target[prop];
      return RESOURCE_NAME.test(prop) ? resource(prop) : undefined;
    },
    has: (target, prop) => typeof prop === 'string' && (prop in target || RESOURCE_NAME.test(prop)),
  }) as unknown as VerboClient<R>;
}
