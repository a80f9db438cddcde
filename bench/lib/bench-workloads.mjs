/**
 * The workloads, and how each target spells them. A target that cannot express a workload gets
 * `undefined` (and the table says why).
 */

export const WORKLOADS = [
  { id: 'W1', title: 'GET /customers/{random id}', short: 'W1 GET one by id' },
  {
    id: 'W2',
    title: 'GET /customers?status=active&sort=-createdAt&limit=25',
    short: 'W2 list, filter + sort',
  },
  { id: 'W3', title: 'POST /customers', short: 'W3 POST' },
  { id: 'W4', title: 'PATCH /customers/{random id} (merge)', short: 'W4 PATCH (merge)' },
  { id: 'W6', title: 'GET /orders?embed=customer&limit=25', short: 'W6 list + embed' },
];

/** Why a target sits a workload out (undefined: it runs it). */
export function skipReason(target, workload, { quick }) {
  if (target.endsWith('-w2') && workload !== 'W1' && workload !== 'W3')
    return '--workers 2 is compared on W1 and W3';
  if (target === 'ceiling' && (workload === 'W2' || workload === 'W6'))
    return 'a fixed one-customer body is no list';
  if (quick && target === 'ceiling' && (workload === 'W3' || workload === 'W4'))
    return '--quick: compared on W1 only';
  if (quick && target === 'json-server' && (workload === 'W3' || workload === 'W4')) {
    return '--quick: each write rewrites all of db.json, and the queue of one run takes seconds to drain';
  }
  if (target === 'json-server' && workload.startsWith('W5')) return 'not loaded with the large table';
  return undefined;
}

let sequence = 0;
const runTag = Date.now().toString(36);
const randomId = (n) => 1 + Math.floor(Math.random() * n);

/** autocannon request list for one workload on one flavour of target. */
export function requestsFor(workload, flavour, { customers }) {
  const json =
    flavour === 'json-server' || flavour === 'ceiling' ? 'application/json' : 'application/merge-patch+json';
  switch (workload) {
    case 'W1':
      return [
        {
          method: 'GET',
          path: '/customers/1',
          setupRequest: (req) => ({ ...req, path: `/customers/${randomId(customers)}` }),
        },
      ];
    case 'W2':
      if (flavour === 'ceiling') return undefined;
      return [
        {
          method: 'GET',
          path:
            flavour === 'json-server'
              ? '/customers?status=active&_sort=createdAt&_order=desc&_limit=25'
              : '/customers?status=active&sort=-createdAt&limit=25',
        },
      ];
    case 'W3':
      return [
        {
          method: 'POST',
          path: '/customers',
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => {
            const n = ++sequence;
            const body = {
              name: `Bench ${n}`,
              email: `bench-${runTag}-${n}@example.com`,
              phone: '+1 555 0100000',
              company: 'Bench Co',
              // Not 'active': W2 lists the active customers, and a target that inserts faster must
              // not get a larger W2 answer set to sort.
              status: 'lead',
              tags: ['bench'],
            };
            return { ...req, body: JSON.stringify(body) };
          },
        },
      ];
    case 'W4':
      return [
        {
          method: 'PATCH',
          path: '/customers/1',
          headers: { 'content-type': json },
          setupRequest: (req) => ({
            ...req,
            path: `/customers/${randomId(customers)}`,
            body: JSON.stringify({ phone: `+1 555 ${String(++sequence).padStart(7, '0')}` }),
          }),
        },
      ];
    case 'W6':
      if (flavour === 'ceiling') return undefined;
      return [
        {
          method: 'GET',
          path:
            flavour === 'json-server'
              ? '/orders?_expand=customer&_limit=25'
              : '/orders?embed=customer&limit=25',
        },
      ];
    default:
      throw new Error(`unknown workload ${workload}`);
  }
}

/** W5: the paths of page one, the deep page by offset and the deep page by cursor. */
export function deepPagePaths(flavour, depth, cursor) {
  const first = '/customers?limit=25';
  if (flavour === 'baseline')
    return {
      first,
      offset: `/customers?offset=${depth}&limit=25`,
      cursor: `/customers?after=${depth}&limit=25`,
    };
  return {
    first,
    offset: `/customers?offset=${depth}&limit=25`,
    cursor: `/customers?cursor=${encodeURIComponent(cursor)}&limit=25`,
  };
}

/** The `cursor` of the `rel="next"` link in a Link header. */
export function nextCursor(link) {
  const m = /<([^>]*)>;\s*rel="next"/.exec(link ?? '');
  return m ? new URL(m[1], 'http://x').searchParams.get('cursor') : null;
}

export const W5_VARIANTS = [
  { id: 'W5-first', title: 'W5 page one (GET /customers?limit=25)', short: 'W5 page one (latency)' },
  { id: 'W5-offset', title: 'W5 deep page by offset', short: 'W5 deep page, offset' },
  { id: 'W5-cursor', title: 'W5 deep page by cursor', short: 'W5 deep page, cursor' },
];
