/** The read shortcut's kept answers (src/http/shortcut/read-cache.ts): stamps and the byte budget. */
import { describe, expect, it } from 'vitest';
import { type ReadAnswer, ReadCache } from '../../src/http/shortcut/read-cache.js';

const answer = (json: string): ReadAnswer => ({
  json,
  etag: '"1-x"',
  lastModified: 'Sat, 05 Dec 2026 10:00:00 GMT',
  length: String(json.length),
});

describe('ReadCache', () => {
  it('gives an answer back only under the stamp it was kept with', () => {
    const cache = new ReadCache(10_000);
    cache.set('/a/1', '1:5', answer('{"id":1}'));
    expect(cache.get('/a/1', '1:5')?.json).toBe('{"id":1}');
    expect(cache.get('/a/1', '1:6')).toBeUndefined();
    expect(cache.get('/a/2', '1:5')).toBeUndefined();
    cache.set('/a/1', '1:6', answer('{"id":1,"x":2}'));
    expect(cache.get('/a/1', '1:6')?.json).toBe('{"id":1,"x":2}');
    expect(cache.get('/a/1', '1:5')).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('stays within its budget, dropping the oldest answers first', () => {
    const body = 'x'.repeat(744); // with its key and overhead, 1 004 or 1 005 bytes an entry
    const cache = new ReadCache(3_100);
    for (const id of [1, 2, 3]) cache.set(`/a/${id}`, 's', answer(body));
    expect(cache.size).toBe(3);
    cache.set('/a/4', 's', answer(body));
    expect(cache.size).toBe(3);
    expect(cache.bytes).toBeLessThanOrEqual(3_100);
    expect(cache.get('/a/1', 's')).toBeUndefined();
    for (const id of [2, 3, 4]) expect(cache.get(`/a/${id}`, 's')).toBeDefined();
    // Keeping one again makes it the newest.
    cache.set('/a/2', 's', answer(body));
    cache.set('/a/5', 's', answer(body));
    expect(cache.get('/a/3', 's')).toBeUndefined();
    expect(cache.get('/a/2', 's')).toBeDefined();
  });

  it('keeps nothing larger than the whole budget, and drops nothing for it', () => {
    const cache = new ReadCache(1_000);
    cache.set('/a/1', 's', answer('{}'));
    cache.set('/a/2', 's', answer('y'.repeat(2_000)));
    expect(cache.get('/a/2', 's')).toBeUndefined();
    expect(cache.get('/a/1', 's')).toBeDefined();
  });
});
