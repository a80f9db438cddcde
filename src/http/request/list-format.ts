/** Which representation of a list the client takes (docs/bulk.md): JSON, CSV or NDJSON; else 406. */
import { ApiError } from '../../errors/api-error.js';
import { negotiate } from './content-negotiation.js';

export type ListFormat = 'json' | 'csv' | 'ndjson';

export const LIST_OFFERS = [
  'application/json',
  'text/csv',
  'application/x-ndjson',
  'application/problem+json',
];
const FORMAT: Record<string, ListFormat> = {
  'application/json': 'json',
  'application/problem+json': 'json',
  'text/csv': 'csv',
  'application/x-ndjson': 'ndjson',
};

export const EXPORT_CONTENT_TYPES: Record<Exclude<ListFormat, 'json'>, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/** The format an Accept header asks for; 406 listing the four media types when none is acceptable. */
export function listFormat(accept: string | undefined): ListFormat {
  const type = negotiate(accept, LIST_OFFERS);
  if (!type) throw ApiError.of('NOT_ACCEPTABLE', `Accept ${accept} allows none of ${LIST_OFFERS.join(', ')}`);
  return FORMAT[type];
}
