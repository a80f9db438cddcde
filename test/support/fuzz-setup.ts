/**
 * A fuzzing target: the CRM example (or its sign-in variant, crm-secure) served in this process on
 * a given database, with a few records, and for crm-secure a user with a session cookie and an API
 * token, so requests reach past authentication too. The route list covers every route the app has.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UserAccounts } from '../../src/auth/user-accounts.js';
import { buildApp } from '../../src/http/app.js';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import type { Model } from '../../src/model/model-types.js';
import { openStore } from '../../src/store/open-store.js';
import type { FuzzTarget } from './fuzz-requests.js';
import { send } from './raw-http.js';

export type FuzzConfig = 'crm' | 'crm-secure';

export interface FuzzServer {
  url: string;
  target: FuzzTarget;
  close(): Promise<void>;
}

const configFile = (name: FuzzConfig) =>
  fileURLToPath(new URL(`../../examples/${name}/verbo.yaml`, import.meta.url));

/** Every route of the app: collections, items, nested collections, auth; then docs, moved names, nothing. */
export function routesOf(model: Model): { routes: string[]; extraRoutes: string[] } {
  const b = model.basePath;
  const routes: string[] = [];
  const extraRoutes = [
    '/',
    `${b}/openapi.json`,
    `${b}/docs`,
    `${b}/docs/swagger-ui.css`,
    `${b}/docs/verbo-docs.js`,
    `${b}/docs/favicon-32x32.png`,
    '/nowhere',
    '/favicon.ico',
  ];
  for (const r of model.resources) {
    routes.push(`${b}/${r.name}`, `${b}/${r.name}/{id}`);
    for (const rel of r.toMany) routes.push(`${b}/${r.name}/{id}/${rel.name}`);
    for (const old of r.movedFrom) extraRoutes.push(`${b}/${old}`, `${b}/${old}/{id}`);
  }
  if (model.auth) {
    for (const p of ['register', 'login', 'logout', 'me', 'tokens', 'tokens/{tid}'])
      routes.push(`${b}/auth/${p}`);
  }
  return { routes, extraRoutes };
}

const json = (v: unknown) => Buffer.from(JSON.stringify(v));

export async function startFuzzServer(config: FuzzConfig, db: string): Promise<FuzzServer> {
  // The rate limit of crm-secure would turn most of the run into 429s: raised, still on (its headers are checked).
  const yaml = readFileSync(configFile(config), 'utf8').replace(
    /rateLimit: \{ max: \d+/,
    'rateLimit: { max: 100000000',
  );
  const model = buildModel(parseConfigText(yaml, 'verbo.yaml'));
  const store = await openStore(db);
  await store.sync(model);
  const app = await buildApp({ model, store });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const credentials: Record<string, string>[] = [];
  const tokenIds: string[] = [];
  const base = { 'content-type': 'application/json' };
  if (model.auth) {
    await new UserAccounts(store, model.auth).create({
      email: 'fuzz@example.com',
      password: 'fuzz password 1',
      roles: ['sales', 'admin'],
    });
    const login = await send(url, {
      method: 'POST',
      path: `${model.basePath}/auth/login`,
      headers: base,
      body: json({ email: 'fuzz@example.com', password: 'fuzz password 1' }),
    });
    const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0];
    const token = await send(url, {
      method: 'POST',
      path: `${model.basePath}/auth/tokens`,
      headers: { ...base, cookie },
      body: json({ name: 'fuzz' }),
    });
    if (login.status !== 200 || token.status !== 201)
      throw new Error(`fuzz setup could not sign in: ${login.status} ${token.status} ${token.text}`);
    credentials.push({ cookie }, { authorization: `Bearer ${token.json.token}` });
    tokenIds.push(String(token.json.id));
  }
  const ids: string[] = [...tokenIds];
  const customerIds: string[] = [];
  const orderIds: string[] = [];
  const auth = credentials[1] ?? {};
  for (let i = 1; i <= 5; i++) {
    const c = await send(url, {
      method: 'POST',
      path: `${model.basePath}/customers`,
      headers: { ...base, ...auth },
      body: json({ name: `Seed ${i}`, email: `seed${i}@example.com`, tags: ['a', { b: i }] }),
    });
    const o = await send(url, {
      method: 'POST',
      path: `${model.basePath}/orders`,
      headers: { ...base, ...auth },
      body: json({ customerId: c.json.id, title: `Order ${i}`, amount: i * 10 }),
    });
    if (c.status !== 201 || o.status !== 201)
      throw new Error(`fuzz setup could not create records: ${c.status} ${o.status} ${o.text}`);
    ids.push(String(c.json.id), String(o.json.id));
    customerIds.push(String(c.json.id));
    orderIds.push(String(o.json.id));
  }
  const fields = [...new Set(model.resources.flatMap((r) => [...r.allFields.keys()]))];
  return {
    url,
    target: { ...routesOf(model), ids: [...new Set(ids)], fields, credentials, customerIds, orderIds },
    async close() {
      await app.close();
      await store.close();
    },
  };
}
