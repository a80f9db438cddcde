import type { FastifyReply } from 'fastify';
import { describe, expect, it } from 'vitest';
import { addVary } from '../../src/http/respond/vary.js';

function fakeReply(initial?: string | string[]) {
  const headers: Record<string, unknown> = initial === undefined ? {} : { vary: initial };
  const reply = {
    getHeader: (n: string) => headers[n],
    header(n: string, v: unknown) {
      headers[n] = v;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, headers };
}

describe('addVary', () => {
  it('sets, appends, and never repeats a name (case-insensitive)', () => {
    const a = fakeReply();
    addVary(a.reply, 'Origin');
    addVary(a.reply, 'Prefer');
    addVary(a.reply, 'origin', 'Accept', 'PREFER');
    expect(a.headers.vary).toBe('Origin, Prefer, Accept');
    const b = fakeReply(['Accept', 'Origin']);
    addVary(b.reply, 'Accept-Language', 'accept');
    expect(b.headers.vary).toBe('Accept, Origin, Accept-Language');
    const c = fakeReply('');
    addVary(c.reply, 'Prefer');
    expect(c.headers.vary).toBe('Prefer');
    const d = fakeReply('Accept-Language');
    addVary(d.reply, 'Accept');
    expect(d.headers.vary).toBe('Accept-Language, Accept');
  });
});
