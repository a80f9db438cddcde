/**
 * docs/rules.md#code-hooks: beforeWrite (change the record, reject with a code, crash → 500 and
 * nothing written, reads through ctx.store) and afterCommit (after the commit; a failure is logged
 * with the trace id, never sent to the client), on every write path.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { type AuthServer, startAuthServer } from '../support/auth-harness.js';
import { expectEnvelope } from '../support/http-harness.js';
import { describeEachStore } from '../support/store-targets.js';

const HOOKS = `
export const leads = {
  async beforeWrite(ctx) {
    if (ctx.operation === 'delete') {
      if (ctx.previous.name === 'keep') ctx.reject('LEAD_KEPT', 'This lead is kept.');
      return;
    }
    if (ctx.record.name === 'crash') throw new Error('hook bug');
    if (ctx.record.name === 'bad') { ctx.record.score = 'not a number'; return; }
    if (ctx.record.name === 'spam')
      ctx.reject('LEAD_SPAM', { en: 'This looks like spam.', es: 'Esto parece spam.' });
    ctx.record.name = ctx.record.name.trim();
    const same = await ctx.store.list('leads', { name: ctx.record.name });
    ctx.record.score = same.filter((l) => l.id !== ctx.record.id).length;
  },
  afterCommit(ctx) {
    globalThis.__verboHookCalls.push([ctx.operation, ctx.record.name, ctx.previous?.name ?? null, ctx.traceId]);
    if (ctx.record.name === 'after-fails') throw new Error('mailer down');
  },
};
`;

const yaml = (file: string) => `
name: hooks
hooks: ${JSON.stringify(file)}
resources:
  leads:
    fields:
      name: { type: string, required: true }
      score: integer
`;

declare global {
  // biome-ignore lint/suspicious/noExplicitAny: the hooks module records its calls here
  var __verboHookCalls: any[];
}

describeEachStore('code hooks', (_target, getDb) => {
  let s: AuthServer;
  let dir: string;
  beforeAll(async () => {
    globalThis.__verboHookCalls = [];
    dir = mkdtempSync(join(tmpdir(), 'verbo-hooks-'));
    const file = join(dir, 'hooks.mjs');
    writeFileSync(file, HOOKS);
    s = await startAuthServer({ db: getDb(), yaml: yaml(file), captureLogs: true });
  });
  afterAll(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const calls = () => globalThis.__verboHookCalls;

  it('beforeWrite changes the record and reads through ctx.store; afterCommit follows', async () => {
    const first = await s.request('POST', '/leads', { body: { name: '  ada ' } });
    expect(first.status, first.text).toBe(201);
    expect(first.json).toMatchObject({ name: 'ada', score: 0 });
    const second = await s.request('POST', '/leads', { body: { name: 'ada' } });
    expect(second.json).toMatchObject({ name: 'ada', score: 1 });
    const put = await s.request('PUT', `/leads/${first.json.id}`, { body: { name: ' ada  ' } });
    expect(put.json).toMatchObject({ name: 'ada', score: 1 });
    await vi.waitFor(() => expect(calls().length).toBe(3));
    expect(calls()[2].slice(0, 3)).toEqual(['update', 'ada', 'ada']);
    expect(calls()[2][3]).toBe(put.headers.get('x-trace-id'));
  });

  it('in a batch each create’s beforeWrite reads what the operations before it wrote (docs/batch.md)', async () => {
    const operations = Array.from({ length: 4 }, () => ({
      method: 'POST',
      path: '/leads',
      body: { name: 'batchy' },
    }));
    const res = await s.request('POST', '/batch', { body: { operations } });
    expect(res.status, res.text).toBe(200);
    expect(res.json.operations.map((o: { body: { score: number } }) => o.body.score)).toEqual([0, 1, 2, 3]);
  });

  it('ctx.reject answers 400 with the hook code and message; nothing is written', async () => {
    const res = await s.request('POST', '/leads', {
      body: { name: 'spam' },
      headers: { 'accept-language': 'es' },
    });
    expectEnvelope(res, 400);
    expect(res.json[0]).toMatchObject({ code: 'LEAD_SPAM', userMessage: 'Esto parece spam.' });
    const id = (await s.request('POST', '/leads', { body: { name: 'keep' } })).json.id;
    const del = await s.request('DELETE', `/leads/${id}`);
    expect(del.json[0]).toMatchObject({ code: 'LEAD_KEPT', status: 400, userMessage: 'This lead is kept.' });
    const bulk = await s.request('DELETE', '/leads?name[in]=keep,ada');
    expect(bulk.json[0].code).toBe('LEAD_KEPT');
    expect((await s.request('GET', '/leads?name=spam')).json).toEqual([]);
    expect((await s.request('GET', '/leads?name=ada')).json).toHaveLength(2);
  });

  it('a hook that throws, or leaves an invalid record, is a 500 and nothing is written', async () => {
    const crash = await s.request('POST', '/leads', { body: { name: 'crash' } });
    expectEnvelope(crash, 500, 'INTERNAL_ERROR');
    const bad = await s.request('POST', '/leads', { body: { name: 'bad' } });
    expectEnvelope(bad, 500, 'INTERNAL_ERROR');
    const id = (await s.request('GET', '/leads?name=keep')).json[0].id;
    const patch = await s.request('PATCH', `/leads/${id}`, { body: { name: 'crash' } });
    expectEnvelope(patch, 500, 'INTERNAL_ERROR');
    expect((await s.request('GET', `/leads/${id}`)).json.name).toBe('keep');
    expect((await s.request('GET', '/leads?name[in]=crash,bad')).json).toEqual([]);
  });

  it('an afterCommit failure is logged with the trace id, the write stays and the client gets 201', async () => {
    const res = await s.request('POST', '/leads', { body: { name: 'after-fails' } });
    expect(res.status).toBe(201);
    const trace = res.headers.get('x-trace-id')!;
    await vi.waitFor(() =>
      expect(s.logs.some((l) => l.includes('afterCommit hook of leads failed'))).toBe(true),
    );
    const line = s.logs.find((l) => l.includes('afterCommit hook of leads failed'))!;
    expect(line).toContain(trace);
    expect(line).toContain('mailer down');
    expect((await s.request('GET', `/leads/${res.json.id}`)).status).toBe(200);
  });
});
