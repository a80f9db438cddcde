/** Configs the OpenAPI suites run on: the CRM example, and one with uuid and string ids under a basePath. */
import { readFileSync } from 'node:fs';
import { buildModel, parseConfigText } from '../../src/model/index.js';
import type { Model } from '../../src/model/model-types.js';
import { CRM_CONFIG } from '../support/http-harness.js';

export const CRM_YAML = readFileSync(CRM_CONFIG, 'utf8');

/** String and uuid ids, a basePath, CORS with credentials, a rate limit, requireIfMatch, every field type. */
export const LIBRARY_YAML = `
name: library
basePath: /api/v1
cors: { origins: ['https://app.example.com'], credentials: true }
rateLimit: { max: 1000, windowSeconds: 60 }
resources:
  authors:
    id: string
    requireIfMatch: true
    description: Writers, keyed by a slug.
    fields:
      name: { type: string, required: true, maxLength: 100 }
      born: date
      website: url
      bio: { type: text, maxLength: 5000 }
  books:
    id: uuid
    fields:
      authorId: { type: reference, to: authors, required: true, onDelete: cascade }
      title: { type: text, required: true }
      isbn: { type: string, pattern: '^[0-9-]{10,17}$', unique: true }
      pages: { type: integer, minimum: 1 }
      price: { type: number, minimum: 0 }
      available: { type: boolean, default: true }
      published: datetime
      meta: json
      batch: uuid
      contact: email
      format: { type: enum, values: [paper, ebook], default: paper }
`;

export const modelOf = (yaml: string): Model => buildModel(parseConfigText(yaml, 'verbo.yaml'));

/** Sessions and tokens on, with public, owner and role rules. */
export const AUTH_YAML = `
name: notes
auth: { registration: open }
resources:
  notes:
    access: { read: public, write: owner }
    fields:
      text: { type: string, maxLength: 500 }
  reports:
    access: { read: 'role:admin', write: 'role:admin' }
    fields:
      title: { type: string, maxLength: 80 }
`;

/** The auth example: sessions, tokens, a login limit, a rate limit, open registration. */
export const CRM_SECURE_YAML = readFileSync(
  new URL('../../examples/crm-secure/verbo.yaml', import.meta.url),
  'utf8',
);

/** Auth under a basePath, registration closed (no /auth/register in the document), CORS with credentials. */
export const AUTH_BASE_YAML = `
name: vault
basePath: /api
cors: { origins: ['https://app.example.com'], credentials: true }
auth: { registration: closed, tokenMaxTtlDays: 30, passwordMinLength: 12 }
resources:
  secrets:
    access: { read: authenticated, write: owner }
    fields:
      label: { type: string, required: true, maxLength: 100 }
`;
