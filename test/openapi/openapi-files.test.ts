/** File fields in the document (docs/files.md): each file part of a multipart body names the types its field accepts. */
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/errors/error-catalogue.js';
import { buildOpenApi } from '../../src/openapi/openapi-builder.js';
import { CRM_YAML, modelOf } from './openapi-fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: the document is walked freely
type Json = Record<string, any>;

describe('file fields in the OpenAPI document', () => {
  const doc = buildOpenApi(modelOf(CRM_YAML), { errorCodes: ERROR_CATALOGUE }) as Json;

  it("the multipart bodies of POST, PUT and PATCH give each file part its field's accepted types", () => {
    const item = doc.paths['/customers/{id}'];
    for (const op of [doc.paths['/customers'].post, item.put, item.patch]) {
      const multipart = op.requestBody.content['multipart/form-data'];
      expect(multipart.encoding, op.operationId).toEqual({
        record: { contentType: 'application/json' },
        avatar: { contentType: 'image/png, image/jpeg, image/webp' },
      });
    }
  });

  it('a file field without `accept` leaves its part to any type', () => {
    const yaml =
      'resources:\n  docs:\n    fields:\n      title: { type: string }\n      scan: { type: file }\n';
    const open = buildOpenApi(modelOf(yaml), { errorCodes: ERROR_CATALOGUE }) as Json;
    const multipart = open.paths['/docs'].post.requestBody.content['multipart/form-data'];
    expect(multipart.encoding).toEqual({ record: { contentType: 'application/json' } });
  });
});
