/**
 * The hand-written baseline: what a good engineer writes for the CRM customers and orders with
 * Fastify and better-sqlite3 — JSON Schema validation of params, query and bodies, response
 * schemas, prepared statements, WAL. No framework of ours.
 *
 *   node bench/baselines/fastify-sqlite.mjs --db FILE --port N
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import Fastify from 'fastify';

/** The whole API on one SQLite file; `close()` closes the app and the database. */
export function buildBaselineApp(file) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.exec(`CREATE TABLE IF NOT EXISTS customers (
  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, email TEXT NOT NULL, phone TEXT, company TEXT,
  status TEXT, tags TEXT, "createdAt" TEXT NOT NULL, "updatedAt" TEXT NOT NULL, "_version" INTEGER NOT NULL DEFAULT 1) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS customers_email_key ON customers(email);
CREATE INDEX IF NOT EXISTS customers_status_idx ON customers(status);
CREATE TABLE IF NOT EXISTS orders (
  id INTEGER PRIMARY KEY AUTOINCREMENT, "customerId" INTEGER NOT NULL REFERENCES customers(id) ON DELETE RESTRICT,
  title TEXT NOT NULL, amount REAL NOT NULL, stage TEXT, "createdAt" TEXT NOT NULL, "updatedAt" TEXT NOT NULL,
  "_version" INTEGER NOT NULL DEFAULT 1) STRICT;`);

  const C = 'id, name, email, phone, company, status, tags, "createdAt", "updatedAt"';
  const byId = db.prepare(`SELECT ${C} FROM customers WHERE id = ?`);
  const insert =
    db.prepare(`INSERT INTO customers (name, email, phone, company, status, tags, "createdAt", "updatedAt")
  VALUES (@name, @email, @phone, @company, @status, @tags, @now, @now) RETURNING ${C}`);
  const update =
    db.prepare(`UPDATE customers SET name = @name, email = @email, phone = @phone, company = @company, status = @status,
  tags = @tags, "updatedAt" = @updatedAt, "_version" = "_version" + 1 WHERE id = @id RETURNING ${C}`);
  const ordersWithCustomer =
    db.prepare(`SELECT o.id, o."customerId", o.title, o.amount, o.stage, o."createdAt", o."updatedAt",
  c.id AS c_id, c.name AS c_name, c.email AS c_email, c.phone AS c_phone, c.company AS c_company, c.status AS c_status,
  c.tags AS c_tags, c."createdAt" AS c_createdAt, c."updatedAt" AS c_updatedAt
  FROM orders o LEFT JOIN customers c ON c.id = o."customerId" ORDER BY o.id LIMIT ? OFFSET ?`);
  const ordersPage = db.prepare(
    'SELECT id, "customerId", title, amount, stage, "createdAt", "updatedAt" FROM orders ORDER BY id LIMIT ? OFFSET ?',
  );

  const SORTS = {
    id: 'id',
    '-id': 'id DESC',
    createdAt: '"createdAt", id',
    '-createdAt': '"createdAt" DESC, id',
    name: 'name, id',
  };
  const listCache = new Map();
  /** One prepared statement per query shape (filter present?, sort, keyset?, offset?). */
  function listStatement(status, sort, after, offset) {
    const key = `${status !== undefined}|${sort}|${after !== undefined}|${offset !== undefined}`;
    let s = listCache.get(key);
    if (!s) {
      const where = [status !== undefined && 'status = @status', after !== undefined && 'id > @after'].filter(
        Boolean,
      );
      s = db.prepare(
        `SELECT ${C} FROM customers${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${SORTS[sort]} LIMIT @limit${offset !== undefined ? ' OFFSET @offset' : ''}`,
      );
      listCache.set(key, s);
    }
    return s;
  }

  const fromRow = (row) => {
    if (row.tags !== null) row.tags = JSON.parse(row.tags);
    return row;
  };

  const text = (max) => ({ type: ['string', 'null'], maxLength: max });
  const fields = {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    email: { type: 'string', format: 'email' },
    phone: text(40),
    company: text(200),
    status: { type: 'string', enum: ['lead', 'active', 'churned'] },
    tags: {},
  };
  const createBody = {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'email'],
    properties: { ...fields, status: { ...fields.status, default: 'lead' } },
  };
  const patchBody = {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...fields,
      status: { type: ['string', 'null'], enum: ['lead', 'active', 'churned', null] },
    },
  };
  const customerOut = {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      ...fields,
      status: { type: ['string', 'null'] },
      createdAt: { type: 'string' },
      updatedAt: { type: 'string' },
    },
  };
  const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } };
  const page = {
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 25 },
    offset: { type: 'integer', minimum: 0 },
  };

  /** RFC 7396. */
  function mergePatch(target, patch) {
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
    const out = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete out[k];
      else out[k] = mergePatch(out[k], v);
    }
    return out;
  }

  const patchCustomer = db.transaction((id, patch) => {
    const current = byId.get(id);
    if (!current) return undefined;
    const merged = mergePatch(fromRow(current), patch);
    return update.get({
      id,
      name: merged.name,
      email: merged.email,
      phone: merged.phone ?? null,
      company: merged.company ?? null,
      status: merged.status ?? null,
      tags: merged.tags === undefined ? null : JSON.stringify(merged.tags),
      updatedAt: new Date().toISOString(),
    });
  });

  const app = Fastify({ logger: false });
  app.addContentTypeParser(
    'application/merge-patch+json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'ignore'),
  );

  const isUnique = (e) => e.code === 'SQLITE_CONSTRAINT_UNIQUE';

  app.get(
    '/customers/:id',
    { schema: { params: idParams, response: { 200: customerOut } } },
    async (req, reply) => {
      const row = byId.get(req.params.id);
      if (!row) return reply.code(404).send({ error: 'not found' });
      return fromRow(row);
    },
  );

  const listQuery = {
    type: 'object',
    properties: {
      status: fields.status,
      sort: { type: 'string', enum: Object.keys(SORTS), default: 'id' },
      after: { type: 'integer', minimum: 0 },
      ...page,
    },
  };
  app.get(
    '/customers',
    { schema: { querystring: listQuery, response: { 200: { type: 'array', items: customerOut } } } },
    async (req) => {
      const { status, sort, after, limit, offset } = req.query;
      return listStatement(status, sort, after, offset).all({ status, after, limit, offset }).map(fromRow);
    },
  );

  app.post(
    '/customers',
    { schema: { body: createBody, response: { 201: customerOut } } },
    async (req, reply) => {
      const b = req.body;
      try {
        const row = insert.get({
          name: b.name,
          email: b.email,
          phone: b.phone ?? null,
          company: b.company ?? null,
          status: b.status,
          tags: b.tags === undefined ? null : JSON.stringify(b.tags),
          now: new Date().toISOString(),
        });
        return reply.code(201).header('location', `/customers/${row.id}`).send(fromRow(row));
      } catch (e) {
        if (isUnique(e)) return reply.code(409).send({ error: 'email already exists' });
        throw e;
      }
    },
  );

  app.patch(
    '/customers/:id',
    { schema: { params: idParams, body: patchBody, response: { 200: customerOut } } },
    async (req, reply) => {
      try {
        const row = patchCustomer(req.params.id, req.body);
        if (!row) return reply.code(404).send({ error: 'not found' });
        return fromRow(row);
      } catch (e) {
        if (isUnique(e)) return reply.code(409).send({ error: 'email already exists' });
        throw e;
      }
    },
  );

  const orderOut = {
    id: { type: 'integer' },
    customerId: { type: 'integer' },
    title: { type: 'string' },
    amount: { type: 'number' },
    stage: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  };
  const ordersQuery = {
    type: 'object',
    properties: { embed: { type: 'string', enum: ['customer'] }, ...page },
  };
  app.get(
    '/orders',
    {
      schema: {
        querystring: ordersQuery,
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              properties: { ...orderOut, customer: { anyOf: [customerOut, { type: 'null' }] } },
            },
          },
        },
      },
    },
    async (req) => {
      const { embed, limit, offset = 0 } = req.query;
      if (embed !== 'customer') return ordersPage.all(limit, offset);
      return ordersWithCustomer.all(limit, offset).map((r) => ({
        id: r.id,
        customerId: r.customerId,
        title: r.title,
        amount: r.amount,
        stage: r.stage,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
        customer:
          r.c_id === null
            ? null
            : fromRow({
                id: r.c_id,
                name: r.c_name,
                email: r.c_email,
                phone: r.c_phone,
                company: r.c_company,
                status: r.c_status,
                tags: r.c_tags,
                createdAt: r.c_createdAt,
                updatedAt: r.c_updatedAt,
              }),
      }));
    },
  );

  // W8 (bench/w8-aggregate.mjs): orders counted and summed per stage, the query written by hand.
  const byStage = db.prepare(
    'SELECT stage, COUNT(*) AS count, SUM(amount) AS sum_amount FROM orders GROUP BY stage ORDER BY stage LIMIT ? OFFSET ?',
  );
  app.get(
    '/orders/by-stage',
    {
      schema: {
        querystring: { type: 'object', properties: page },
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                stage: { type: ['string', 'null'] },
                count: { type: 'integer' },
                sum_amount: { type: ['number', 'null'] },
              },
            },
          },
        },
      },
    },
    async (req) => byStage.all(req.query.limit, req.query.offset ?? 0),
  );

  // W9 (bench/w9-search.mjs): a full-text search over the FTS5 index the file holds (verbo made it
  // for the CRM's `search: true` fields: customers_fts, content table customers), written by hand:
  // each word quoted for FTS5, a trailing `*` kept as a prefix; in id order or by bm25 rank.
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'customers_fts'").get()) {
    const FROM = `SELECT ${C.split(', ')
      .map((c) => `c.${c}`)
      .join(', ')} FROM customers_fts f JOIN customers c ON c.id = f.rowid WHERE customers_fts MATCH ?`;
    const searchById = db.prepare(`${FROM} ORDER BY c.id LIMIT ?`);
    const searchByRank = db.prepare(`${FROM} ORDER BY f.rank, c.id LIMIT ?`);
    const matchOf = (q) =>
      (q.match(/[\p{L}\p{N}]+\*?/gu) ?? [])
        .map((w) => (w.endsWith('*') ? `"${w.slice(0, -1)}"*` : `"${w}"`))
        .join(' ');
    app.get(
      '/customers/search',
      {
        schema: {
          querystring: {
            type: 'object',
            required: ['q'],
            properties: { q: { type: 'string', minLength: 1 }, rank: { type: 'boolean' }, limit: page.limit },
          },
          response: { 200: { type: 'array', items: customerOut } },
        },
      },
      async (req, reply) => {
        const match = matchOf(req.query.q);
        if (!match) return reply.code(400).send({ error: 'q has no word' });
        return (req.query.rank ? searchByRank : searchById).all(match, req.query.limit).map(fromRow);
      },
    );
  }

  return { app, close: () => app.close().then(() => db.close()) };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values: args } = parseArgs({ options: { db: { type: 'string' }, port: { type: 'string' } } });
  const { app, close } = buildBaselineApp(args.db ?? 'data/baseline.sqlite');
  await app.listen({ port: Number(args.port ?? 3001), host: '127.0.0.1' });
  console.log(`fastify-sqlite baseline listening on ${args.port}`);
  const stop = () => close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
