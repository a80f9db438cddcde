/**
 * The change streams of docs/realtime.md in the document: GET on a collection or a record with
 * `Accept: text/event-stream` answers 200 with Server-Sent Events. One shared schema describes the
 * stream, the list and record 200s carry it as their `text/event-stream` media type, and two shared
 * parameters (`snapshot`, `Last-Event-ID`) open and resume it.
 */
import type { JsonSchema } from '../model/field-type.js';
import { schemaRef } from './openapi-record-schemas.js';

export const CHANGE_STREAM = 'ChangeStream';

/** The `text/event-stream` media type of the list and record 200 responses. */
export const eventStreamContent = () => ({ 'text/event-stream': { schema: schemaRef(CHANGE_STREAM) } });

export function changeStreamSchemas(): Record<string, JsonSchema> {
  return {
    [CHANGE_STREAM]: {
      title: 'Server-Sent Events (docs/realtime.md)',
      description: [
        'The answer to `Accept: text/event-stream`: `retry:` advice, then (with `snapshot=true`) one `snapshot` event per matching record in the list order,',
        '`ready` (`id:` the change-log position), then `created`, `updated` and `deleted` events as records enter, change within or leave the query;',
        '`id:` is the change sequence number to resume from with `Last-Event-ID`, `data:` the record as GET shows it (`deleted`: `{"id":…}`).',
        '`reset` says the changes since Last-Event-ID are no longer kept; `error` (data: the error envelope) ends the stream;',
        '`: heartbeat` comments keep it open. The body is text, not JSON: this schema admits no JSON value, so code generators keep the JSON answer as the type of the GET.',
      ].join(' '),
      enum: [],
    },
  };
}

/** `components.parameters` of the streams. */
export function changeStreamParameters(): Record<string, unknown> {
  return {
    snapshot: {
      name: 'snapshot',
      in: 'query',
      required: false,
      description:
        'With `Accept: text/event-stream`: start with the matching records (`snapshot` events), then `ready`.',
      schema: { type: 'boolean', default: false },
    },
    LastEventId: {
      name: 'Last-Event-ID',
      in: 'header',
      required: false,
      description:
        'With `Accept: text/event-stream`: resume after this change (every later change, no snapshot); past the retained log the stream starts with `reset`.',
      schema: { type: 'string', maxLength: 16, pattern: '^[0-9]+$', examples: ['42'] },
    },
  };
}
