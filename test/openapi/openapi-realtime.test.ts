/**
 * Change streams in the document (docs/realtime.md): the list and record GETs answer 200 as
 * `text/event-stream` too (one shared schema), take `snapshot` and `Last-Event-ID`, and may answer
 * 429; generated types keep the JSON answer as the type of the GET.
 */
import openapiTS, { astToString } from 'openapi-typescript';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/errors/error-catalogue.js';
import { buildOpenApi } from '../../src/openapi/openapi-builder.js';
import { CRM_YAML, modelOf } from './openapi-fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: the document is walked freely
type Json = Record<string, any>;

describe('OpenAPI: change streams', () => {
  const doc = buildOpenApi(modelOf(CRM_YAML), { errorCodes: ERROR_CATALOGUE }) as Json;
  const response = (ref: Json) => doc.components.responses[ref.$ref.split('/').pop()];
  const param = (ref: Json) => doc.components.parameters[ref.$ref.split('/').pop()];

  it('list, nested list and record GET: 200 as application/json and text/event-stream, snapshot, Last-Event-ID, 429', () => {
    for (const path of ['/customers', '/customers/{id}', '/customers/{id}/orders']) {
      const get = doc.paths[path].get;
      const ok = response(get.responses['200']);
      expect(Object.keys(ok.content), path).toEqual(['application/json', 'text/event-stream']);
      expect(ok.content['text/event-stream'].schema).toEqual({ $ref: '#/components/schemas/ChangeStream' });
      const names = get.parameters.map((p: Json) => param(p).name);
      expect(names, path).toEqual(expect.arrayContaining(['snapshot', 'Last-Event-ID']));
      expect(Object.keys(get.responses), path).toContain('429');
      const head = doc.paths[path].head;
      expect(response(head.responses['200']).content, path).toBeUndefined();
    }
    expect(doc.components.schemas.ChangeStream.description).toContain('Last-Event-ID');
  });

  it('openapi-typescript types the stream as never: the GET stays typed by its JSON answer', async () => {
    const types = astToString(await openapiTS(doc as never));
    expect(types).toMatch(/"text\/event-stream": components\["schemas"\]\["ChangeStream"\]/);
    expect(types).toMatch(/ChangeStream: never;/);
  });
});
