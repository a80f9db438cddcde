/** The headers that describe one stored record: ETag, Last-Modified, and on items Accept-Patch. */
import type { FastifyReply } from 'fastify';
import type { Row } from '../../store/store.js';
import { etagOf, lastModifiedOf } from '../plan/conditions.js';
import { ACCEPT_PATCH } from '../request/body-media-type.js';

/** Sets ETag and Last-Modified; returns the ETag. */
export function recordHeaders(reply: FastifyReply, row: Row): string {
  const etag = etagOf(row);
  reply.header('etag', etag).header('last-modified', lastModifiedOf(row));
  return etag;
}

/** Sets ETag, Last-Modified and Accept-Patch (responses on /{r}/{id}); returns the ETag. */
export function itemHeaders(reply: FastifyReply, row: Row): string {
  const etag = recordHeaders(reply, row);
  reply.header('accept-patch', ACCEPT_PATCH);
  return etag;
}
