/**
 * A page's weak ETag (src/http/plan/collection-conditions.ts): it changes with anything the body or
 * the Link and X-Total-Count headers show, and it is the same tag from one verbo version to the
 * next (a client's cached tag stays good across an upgrade): SHA-1 of the same bytes as before.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { representationEtag, textEtag } from '../../src/http/plan/collection-conditions.js';

const sha1Tag = (...parts: string[]) => {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return `W/"${h.digest('base64url').slice(0, 22)}"`;
};

describe('collection ETags', () => {
  const body = '[{"id":1,"name":"Ádá"},{"id":2,"name":"b"}]';
  const link = '</customers?limit=2&after=2>; rel="next"';

  it('a page of texts: the body, the Link and the total, each of which changes the tag', () => {
    const tag = textEtag(body, link, 7);
    expect(tag).toBe(sha1Tag(body, `\n${link}\n7`));
    expect(textEtag(body, undefined, undefined)).toBe(sha1Tag(body, '\n\n'));
    const others = [
      textEtag(body.replace('b', 'c'), link, 7),
      textEtag(body, undefined, 7),
      textEtag(body, link, 8),
    ];
    expect(new Set([tag, ...others]).size).toBe(4);
  });

  it('a page of rows: identities, Link and total, and the embedded records when there are some', () => {
    const rows = [
      { id: 1, _version: 3, createdAt: '2024-01-01T00:00:00.000Z' },
      { id: 2, createdAt: '2024-01-02T00:00:00.000Z' },
    ];
    const ids = '1:3:2024-01-01T00:00:00.000Z,2:1:2024-01-02T00:00:00.000Z,';
    const outputs = [{ id: 1, customer: { id: 9, name: 'x' } }, { id: 2 }];
    expect(representationEtag({ rows, outputs, embedded: false, link, total: 2 })).toBe(
      sha1Tag(ids, `\n${link}\n2`),
    );
    const embedded = representationEtag({ rows, outputs, embedded: true, link: undefined, total: undefined });
    expect(embedded).toBe(sha1Tag(ids, '\n\n', `\n${JSON.stringify(outputs)}`));
    const changed = [{ id: 1, customer: { id: 9, name: 'y' } }, { id: 2 }];
    expect(representationEtag({ rows, outputs: changed, embedded: true })).not.toBe(embedded);
    expect(
      representationEtag({ rows: [{ ...rows[0], _version: 4 }, rows[1]], outputs, embedded: false }),
    ).not.toBe(representationEtag({ rows, outputs, embedded: false }));
  });
});
