/**
 * The one data set every target loads: deterministic CRM customers and orders, written straight
 * into a SQLite file (verbo's schema), a PostgreSQL database (COPY) or a json-server db.json.
 */
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';

const STATUSES = ['lead', 'active', 'churned'];
const STAGES = ['open', 'won', 'lost'];
const TAGS = [['vip'], ['newsletter'], [], ['b2b', 'newsletter']];
const BASE_TIME = Date.parse('2024-01-01T00:00:00.000Z');

/** Small deterministic PRNG, so every target gets exactly the same rows. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Customer `i` (1-based), with the API's value types (tags as an array, ISO datetimes). */
export function customerRow(i) {
  const at = new Date(BASE_TIME + i * 60_000).toISOString();
  return {
    id: i,
    name: `Customer ${i}`,
    email: `customer${i}@example.com`,
    phone: `+1 555 ${String(i % 10_000_000).padStart(7, '0')}`,
    company: `Company ${i % 500}`,
    status: STATUSES[i % 3],
    tags: TAGS[i % 4],
    createdAt: at,
    updatedAt: at,
  };
}

export function* orderRows(count, customers) {
  const rand = prng(42);
  for (let j = 1; j <= count; j++) {
    const at = new Date(BASE_TIME + j * 30_000).toISOString();
    yield {
      id: j,
      customerId: 1 + Math.floor(rand() * customers),
      title: `Order ${j}`,
      amount: Math.round(rand() * 100_000) / 100,
      stage: STAGES[j % 3],
      createdAt: at,
      updatedAt: at,
    };
  }
}

const CUSTOMER_COLUMNS = [
  'id',
  'name',
  'email',
  'phone',
  'company',
  'status',
  'tags',
  'createdAt',
  'updatedAt',
  '_version',
];
const ORDER_COLUMNS = ['id', 'customerId', 'title', 'amount', 'stage', 'createdAt', 'updatedAt', '_version'];

const quoted = (cols) => cols.map((c) => `"${c}"`).join(', ');

/** Fills a SQLite file whose tables verbo already created, in one transaction. */
export function loadSqlite(file, customers, orders) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const c = db.prepare(
    `INSERT INTO customers (${quoted(CUSTOMER_COLUMNS)}) VALUES (${CUSTOMER_COLUMNS.map(() => '?').join(', ')})`,
  );
  const o = db.prepare(
    `INSERT INTO orders (${quoted(ORDER_COLUMNS)}) VALUES (${ORDER_COLUMNS.map(() => '?').join(', ')})`,
  );
  db.transaction(() => {
    for (let i = 1; i <= customers; i++) {
      const r = customerRow(i);
      c.run(
        r.id,
        r.name,
        r.email,
        r.phone,
        r.company,
        r.status,
        JSON.stringify(r.tags),
        r.createdAt,
        r.updatedAt,
        1,
      );
    }
    for (const r of orderRows(orders, customers))
      o.run(r.id, r.customerId, r.title, r.amount, r.stage, r.createdAt, r.updatedAt, 1);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('ANALYZE');
  db.close();
}

/** COPY text format: tab-separated, `\N` for NULL (our values hold no tabs, newlines or backslashes). */
const copyLine = (values) => `${values.map((v) => (v === null ? '\\N' : String(v))).join('\t')}\n`;

async function copyInto(sql, table, columns, lines) {
  const stream = await sql.unsafe(`COPY "${table}" (${quoted(columns)}) FROM STDIN`).writable();
  let buffer = '';
  for (const line of lines) {
    buffer += line;
    if (buffer.length > 1 << 20) {
      if (!stream.write(buffer)) await new Promise((resolve) => stream.once('drain', resolve));
      buffer = '';
    }
  }
  await new Promise((resolve, reject) => {
    stream.on('error', reject);
    stream.on('finish', resolve);
    stream.end(buffer);
  });
  await sql.unsafe(
    `SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), (SELECT max(id) FROM "${table}"))`,
  );
}

/** Fills a PostgreSQL database whose tables verbo already created. */
export async function loadPostgres(url, customers, orders) {
  const { default: postgres } = await import('postgres');
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await copyInto(
      sql,
      'customers',
      CUSTOMER_COLUMNS,
      (function* () {
        for (let i = 1; i <= customers; i++) {
          const r = customerRow(i);
          yield copyLine([
            r.id,
            r.name,
            r.email,
            r.phone,
            r.company,
            r.status,
            JSON.stringify(r.tags),
            r.createdAt,
            r.updatedAt,
            1,
          ]);
        }
      })(),
    );
    if (orders > 0) {
      await copyInto(
        sql,
        'orders',
        ORDER_COLUMNS,
        (function* () {
          for (const r of orderRows(orders, customers))
            yield copyLine([r.id, r.customerId, r.title, r.amount, r.stage, r.createdAt, r.updatedAt, 1]);
        })(),
      );
    }
    await sql.unsafe('ANALYZE');
  } finally {
    await sql.end();
  }
}

/** json-server's whole database: one JSON document. */
export function writeJsonServerDb(file, customers, orders) {
  const db = { customers: [], orders: [] };
  for (let i = 1; i <= customers; i++) db.customers.push(customerRow(i));
  for (const r of orderRows(orders, customers)) db.orders.push(r);
  writeFileSync(file, JSON.stringify(db));
}

/** Creates a database on the server of `adminUrl`; returns its URL and a drop function. */
export async function createPgDatabase(adminUrl, name) {
  const { default: postgres } = await import('postgres');
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name}`);
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${name} AND pid <> pg_backend_pid()`;
        await sql.unsafe(`DROP DATABASE IF EXISTS ${name}`);
      } finally {
        await sql.end();
      }
    },
  };
}
