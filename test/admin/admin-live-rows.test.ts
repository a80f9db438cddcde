/** Where the admin app puts a record the live stream announces (admin/src/live-order.ts), in the list's own order (docs/query.md). */
import { describe, expect, it } from 'vitest';
import { mergeRows, orderOf } from '../../admin/src/live-order.js';

const row = (id: number, name: string | null) => ({ id, name });
const known = (f: string) => ['id', 'name'].includes(f);

describe('live rows in the list order', () => {
  const loaded = [row(4, null), row(2, 'Ann'), row(1, 'Bob'), row(3, 'Bob')];

  it('sorts as the server does: NULL smallest, text by bytes, the id ascending on ties', () => {
    const order = orderOf('name', known)!;
    expect(mergeRows(loaded, [row(9, 'Bob'), row(0, 'Bob'), row(8, 'B'), row(7, 'a')], order, true)).toEqual([
      row(4, null),
      row(2, 'Ann'),
      row(8, 'B'),
      row(0, 'Bob'),
      row(1, 'Bob'),
      row(3, 'Bob'),
      row(9, 'Bob'),
      row(7, 'a'),
    ]);
    const desc = orderOf('-name', known)!;
    expect(mergeRows([row(1, 'b'), row(2, null)], [row(3, 'c'), row(4, null)], desc, true)).toEqual([
      row(3, 'c'),
      row(1, 'b'),
      row(2, null),
      row(4, null),
    ]);
  });

  it('leaves out a new row past the loaded ones while more are to come (the next page brings it)', () => {
    const order = orderOf('', known)!;
    expect(mergeRows([row(1, 'a'), row(5, 'e')], [row(3, 'c'), row(9, 'i')], order, false)).toEqual([
      row(1, 'a'),
      row(3, 'c'),
      row(5, 'e'),
    ]);
  });

  it('an order the app cannot follow (relevance): new rows at the end of a complete list only', () => {
    expect(orderOf('-relevance', known)).toBeUndefined();
    expect(mergeRows([row(1, 'a')], [row(2, 'b')], undefined, true)).toEqual([row(1, 'a'), row(2, 'b')]);
    expect(mergeRows([row(1, 'a')], [row(2, 'b')], undefined, false)).toEqual([row(1, 'a')]);
  });
});
