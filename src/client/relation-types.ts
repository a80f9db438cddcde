/**
 * Filters and sorts through relations in the client's types (docs/query.md, "Filters through
 * relations"): `where: { 'customer.status': 'active', 'orders.count': { gt: 3 } }` and
 * `sort: 'customer.name'`. One relation deep the keys and values are typed from the generated
 * `Resources`; deeper paths (`customer.company.name`) are accepted loosely and checked by the server.
 */
import type { FieldFilter, ReadOf, Shape } from './client-types.js';

type Scalar<V> = V extends string ? V | Date : V;
type Condition<V> =
  | Scalar<NonNullable<V>>
  | readonly Scalar<NonNullable<V>>[]
  | null
  | FieldFilter<NonNullable<V>>;
type Target<R, M, N> = N extends keyof M
  ? M[N] extends { resource: infer T }
    ? T extends keyof R
      ? ReadOf<R, T>
      : Record<string, unknown>
    : Record<string, unknown>
  : Record<string, unknown>;

type Paths<R, M> = { [N in keyof M & string]: `${N}.${keyof Target<R, M, N> & string}` }[keyof M & string];
type ValueAt<R, M, P> = P extends `${infer N}.${infer F}`
  ? F extends keyof Target<R, M, N>
    ? Target<R, M, N>[F]
    : unknown
  : unknown;

type Relations<R, K extends keyof R> = Shape<R, K>['toOne'] & Shape<R, K>['toMany'];
type Loose =
  | string
  | number
  | boolean
  | Date
  | null
  | readonly (string | number | boolean | Date)[]
  | FieldFilter<string | number | boolean>;

/** The filters through a resource's relations (`where` keys with a dot). */
export type RelationWhere<R, K extends keyof R> = {
  [P in Paths<R, Relations<R, K>>]?: Condition<ValueAt<R, Relations<R, K>, P>>;
} & {
  [P in `${keyof Shape<R, K>['toMany'] & string}.count`]?:
    | number
    | Pick<FieldFilter<number>, 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte'>;
} & { [path: `${string}.${string}.${string}`]: Loose | undefined };

type ToOnePath<R, K extends keyof R> =
  | Paths<R, Shape<R, K>['toOne']>
  | `${keyof Shape<R, K>['toOne'] & string}.${string}.${string}`;

/** Sort keys through to-one relations: `customer.name`, `-customer.name`. */
export type RelationSortKey<R, K extends keyof R> = ToOnePath<R, K> | `-${ToOnePath<R, K>}`;
