/**
 * Well-formed requests of the CRM example, mixed into the fuzzing so that success paths run and
 * the data changes under the hostile requests: lists with real filters, reads, creates (also
 * nested), merge and JSON patches, replacements and deletes of existing records.
 */
import fc from 'fast-check';
import type { FuzzBody } from './fuzz-bodies.js';

export interface PlausibleTarget {
  customerIds: string[];
  orderIds: string[];
  /** Credentials sent with every plausible request (crm-secure), or none. */
  credentials: Record<string, string>[];
}

export interface PlausibleRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: FuzzBody;
}

const json = (label: string, v: unknown): FuzzBody => ({ label, bytes: Buffer.from(JSON.stringify(v)) });
const none: FuzzBody = { label: 'none', bytes: undefined };
const email = fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `p${a}.${b}@example.com`);
const customer = fc.record({
  name: fc.string({ minLength: 1, maxLength: 20 }),
  email,
  status: fc.constantFrom('lead', 'active', 'churned'),
  tags: fc.jsonValue({ maxDepth: 2 }),
});
const order = (ids: string[]) =>
  fc.record({
    customerId: fc.constantFrom(...ids.map(Number)),
    title: fc.string({ minLength: 1, maxLength: 20 }),
    amount: fc.integer({ min: 0, max: 100_000 }),
  });
const LISTS = [
  '/customers',
  '/customers?status=lead',
  '/customers?sort=-createdAt,name&limit=3',
  '/customers?fields=id,name&count=true',
  '/customers?embed=orders',
  '/customers?name[like]=Seed*',
  '/customers?status[in]=lead,active&sort=name',
  '/orders?embed=customer',
  '/orders?amount[gte]=10&sort=-amount',
  '/orders?stage[ne]=lost&limit=2',
];

export function plausibleArb(t: PlausibleTarget): fc.Arbitrary<PlausibleRequest> {
  const cid = fc.constantFrom(...t.customerIds);
  const oid = fc.constantFrom(...t.orderIds);
  const typed = (type: string) => ({ 'content-type': type });
  const requests: fc.Arbitrary<Omit<PlausibleRequest, 'headers'> & { headers?: Record<string, string> }>[] = [
    fc.constantFrom(...LISTS).map((path) => ({ method: 'GET', path, body: none })),
    fc
      .tuple(fc.constantFrom('customers', 'orders'), cid, oid)
      .map(([r, c, o]) => ({ method: 'GET', path: `/${r}/${r === 'customers' ? c : o}`, body: none })),
    customer.map((c) => ({
      method: 'POST',
      path: '/customers',
      headers: typed('application/json'),
      body: json('ok-customer', c),
    })),
    order(t.customerIds).map((o) => ({
      method: 'POST',
      path: '/orders',
      headers: typed('application/json'),
      body: json('ok-order', o),
    })),
    fc.tuple(cid, order(t.customerIds)).map(([c, o]) => ({
      method: 'POST',
      path: `/customers/${c}/orders`,
      headers: typed('application/json'),
      body: json('ok-nested', { title: o.title, amount: o.amount }),
    })),
    fc.tuple(cid, fc.string({ maxLength: 20 })).map(([c, company]) => ({
      method: 'PATCH',
      path: `/customers/${c}`,
      headers: typed('application/merge-patch+json'),
      body: json('ok-merge', { company }),
    })),
    fc.tuple(cid, fc.string({ maxLength: 10 })).map(([c, tag]) => ({
      method: 'PATCH',
      path: `/customers/${c}`,
      headers: typed('application/json-patch+json'),
      body: json('ok-json-patch', [{ op: 'add', path: '/phone', value: tag }]),
    })),
    fc.tuple(cid, customer).map(([c, body]) => ({
      method: 'PUT',
      path: `/customers/${c}`,
      headers: typed('application/json'),
      body: json('ok-put', body),
    })),
    oid.map((o) => ({ method: 'DELETE', path: `/orders/${o}`, body: none })),
  ];
  const cred = t.credentials.length ? fc.constantFrom(...t.credentials) : fc.constant({});
  return fc.tuple(fc.oneof(...requests), cred).map(([r, c]) => ({ ...r, headers: { ...c, ...r.headers } }));
}
