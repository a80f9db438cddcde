/**
 * docs/query.md: unique, indexed, reference fields and createdAt are indexed, and the list queries the
 * compiler writes for paging read those indexes (a keyset page costs what page one costs).
 */
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { beforeAll, expect, it } from 'vitest';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import { pgDialect, toPgParams } from '../../src/store/postgres/postgres-dialect.js';
import type { ListQuery } from '../../src/store/query-types.js';
import { compileSelect } from '../../src/store/sql/sql-compiler.js';
import { sqliteDialect } from '../../src/store/sqlite/sqlite-dialect.js';
import { CRM_CONFIG, useServer } from '../support/http-harness.js';
import { createAll } from '../support/query-fixtures.js';
import { describeEachStore } from '../support/store-targets.js';

const model = buildModel(parseConfigText(readFileSync(CRM_CONFIG, 'utf8'), 'verbo.yaml'));
const customers = model.byName.get('customers')!;
const orders = model.byName.get('orders')!;
const T = '2024-01-01T00:00:00.000Z';

const EXPECTED_INDEXES = [
  'customers_email_key',
  'customers_status_idx',
  'customers_createdAt_idx',
  'customers_status_createdAt_desc_idx',
  'orders_customerId_idx',
  'orders_createdAt_idx',
];

/** Queries as the HTTP layer builds them (limit + 1, the id always last in the sort). */
const PLANS: {
  name: string;
  resource: typeof customers;
  query: ListQuery;
  index: string;
  /** A filtered list that must still come out of the index in order (a declared composite index). */
  ordered?: boolean;
}[] = [
  {
    name: 'default order, first page',
    resource: customers,
    query: { where: [], sort: [{ field: 'id', desc: false }], limit: 26 },
    index: 'pkey',
  },
  {
    name: 'default order, keyset page',
    resource: customers,
    query: {
      where: [],
      sort: [{ field: 'id', desc: false }],
      limit: 26,
      keyset: { values: [500], direction: 'after' },
    },
    index: 'pkey',
  },
  {
    name: 'newest first, keyset page',
    resource: customers,
    query: {
      where: [],
      sort: [
        { field: 'createdAt', desc: true },
        { field: 'id', desc: false },
      ],
      limit: 26,
      keyset: { values: [T, 500], direction: 'after' },
    },
    index: 'customers_createdAt_idx',
  },
  {
    name: 'oldest first, keyset page backwards',
    resource: customers,
    query: {
      where: [],
      sort: [
        { field: 'createdAt', desc: false },
        { field: 'id', desc: false },
      ],
      limit: 26,
      keyset: { values: [T, 500], direction: 'before' },
    },
    index: 'customers_createdAt_idx',
  },
  {
    name: 'by an indexed nullable field',
    resource: customers,
    query: {
      where: [],
      sort: [
        { field: 'status', desc: false },
        { field: 'id', desc: false },
      ],
      limit: 26,
      keyset: { values: ['lead', 5], direction: 'after' },
    },
    index: 'customers_status_idx',
  },
  {
    name: 'filter and newest first: the declared [status, -createdAt] index (examples/crm)',
    resource: customers,
    query: {
      where: [{ field: 'status', op: 'eq', value: 'active' }],
      sort: [
        { field: 'createdAt', desc: true },
        { field: 'id', desc: false },
      ],
      limit: 26,
    },
    index: 'customers_status_createdAt_desc_idx',
    ordered: true,
  },
  {
    name: 'filter on a unique field',
    resource: customers,
    query: {
      where: [{ field: 'email', op: 'eq', value: 'x@example.com' }],
      sort: [{ field: 'id', desc: false }],
      limit: 26,
    },
    index: 'customers_email_key',
  },
  {
    name: 'filter on a reference',
    resource: orders,
    query: {
      where: [{ field: 'customerId', op: 'eq', value: 7 }],
      sort: [{ field: 'id', desc: false }],
      limit: 26,
    },
    index: 'orders_customerId_idx',
  },
];

describeEachStore('indexes for filters and sorts', (target, getDb) => {
  const server = useServer(getDb);

  beforeAll(async () => {
    await createAll(server(), '/customers', [{ name: 'I', email: 'i@example.com' }]);
  });

  if (target.name === 'sqlite') {
    it('SQLite has the indexes and every paging query searches one (no full scan, no sort of the table)', () => {
      const db = new Database(getDb(), { readonly: true });
      try {
        const names = (
          db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as { name: string }[]
        ).map((r) => r.name);
        expect(names).toEqual(expect.arrayContaining(EXPECTED_INDEXES));
        for (const p of PLANS) {
          const c = compileSelect(sqliteDialect, p.resource, p.query);
          const plan = (
            db.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...(c.values as unknown[])) as { detail: string }[]
          )
            .map((r) => r.detail)
            .join('\n');
          // The table itself is the primary-key b-tree: `SCAN customers` reads it in id order.
          const index =
            p.index === 'pkey'
              ? new RegExp(`INTEGER PRIMARY KEY|^SCAN ${p.resource.name}$`, 'm')
              : new RegExp(`INDEX ${p.index}\\b`);
          expect(plan, `${p.name}\n${c.sql}`).toMatch(index);
          expect(plan, `${p.name}\n${c.sql}`).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
          if (p.query.keyset) expect(plan, `${p.name}\n${c.sql}`).toMatch(/SEARCH/);
        }
      } finally {
        db.close();
      }
    });
  } else {
    it('PostgreSQL has the indexes and every paging query reads one (no sort of the whole table)', async () => {
      const sql = postgres(getDb(), { max: 1, onnotice: () => {} });
      try {
        const names = (await sql`SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()`).map(
          (r) => r.indexname,
        );
        expect(names).toEqual(expect.arrayContaining(EXPECTED_INDEXES));
        await sql.begin(async (tx) => {
          // A near-empty table: the planner would (rightly) scan and sort it. Forbidding that shows
          // whether an index path exists at all, as it must for a million rows.
          await tx.unsafe('SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off');
          for (const p of PLANS) {
            // A filtered query may sort its few matches; a plain page must come out of an index in order.
            await tx.unsafe(`SET LOCAL enable_sort = ${p.query.where.length && !p.ordered ? 'on' : 'off'}`);
            const c = compileSelect(pgDialect, p.resource, p.query);
            const rows = await tx.unsafe(`EXPLAIN ${c.sql}`, toPgParams(c.values));
            const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
            expect(plan, `${p.name}\n${c.sql}`).toContain(
              p.index === 'pkey' ? `${p.resource.name}_pkey` : p.index,
            );
            if (!p.query.where.length || p.ordered)
              expect(plan, `${p.name}\n${c.sql}`).not.toMatch(/^\s*(->\s*)?Sort {2}\(/m);
            expect(plan, `${p.name}\n${c.sql}`).not.toMatch(/Seq Scan/);
          }
        });
      } finally {
        await sql.end();
      }
    });
  }
});
