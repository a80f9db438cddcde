/**
 * The read shortcut's answers kept for the next read of the same URL (docs/architecture.md, "The
 * read shortcut"): the body and the headers that depend on the record, kept under the store's
 * change stamp read before the record was (store/stamped-cache.ts): used again only while nothing
 * at all was written to the database; after a write the record is read again.
 */
import { StampedCache } from '../../store/stamped-cache.js';

/** What a plain read of one record sends besides the constant headers of its route. */
export interface ReadAnswer {
  json: string;
  etag: string;
  lastModified: string;
  /** Content-Length, as the header's text. */
  length: string;
}

export class ReadCache extends StampedCache<ReadAnswer> {
  constructor(budget: number) {
    super(budget, (answer) => answer.json.length);
  }
}
