/**
 * Schemas and headers of the `/auth/*` routes (docs/auth.md): the user and API-token bodies exactly as
 * src/http/auth answers them, and the request bodies exactly as src/http/auth/auth-bodies checks
 * them. A password is only ever `writeOnly`; no response schema has one.
 */
import type { JsonSchema } from '../model/field-type.js';
import type { Model } from '../model/model-types.js';
import { int, UNCAPPED_ITEMS } from './openapi-limits.js';
import { SESSION_COOKIE } from './openapi-security.js';

const ID = int(1, Number.MAX_SAFE_INTEGER, { readOnly: true });
const DATE = (description: string, extra: JsonSchema = {}): JsonSchema => ({
  type: 'string',
  format: 'date-time',
  maxLength: 64,
  description,
  ...extra,
});
const nullable = (s: JsonSchema): JsonSchema => ({ ...s, type: [s.type as string, 'null'] });
const object = (properties: Record<string, JsonSchema>, required: string[], extra: JsonSchema = {}) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
  ...extra,
});
const password = (minLength: number, description: string): JsonSchema => ({
  type: 'string',
  minLength,
  maxLength: 1024,
  writeOnly: true,
  format: 'password',
  description,
});

export function authSchemas(model: Model): Record<string, JsonSchema> {
  const settings = model.auth!;
  const maxTtl =
    settings.tokenMaxTtlDays === undefined
      ? 'Without an expiry the token never expires.'
      : `Tokens live at most ${settings.tokenMaxTtlDays} days; without an expiry the token gets that longest one.`;
  const token = {
    id: { ...ID, description: 'The token id (for GET and DELETE /auth/tokens/{id}).' },
    name: { type: 'string', minLength: 1, maxLength: 100, description: 'A label chosen by the user.' },
    expiresAt: nullable(DATE('When the token stops working; null: never.', { readOnly: true })),
    lastUsedAt: nullable(
      DATE('Last use (updated at most once a minute); null: never used.', { readOnly: true }),
    ),
    createdAt: DATE('When it was created.', { readOnly: true }),
  };
  const tokenRequired = ['id', 'name', 'expiresAt', 'lastUsedAt', 'createdAt'];
  return {
    User: object(
      {
        id: { ...ID, description: 'The user id.' },
        email: { type: 'string', format: 'email', maxLength: 320, description: 'Lower-cased.' },
        name: nullable({ type: 'string', maxLength: 200 }),
        roles: {
          type: 'array',
          items: { type: 'string', maxLength: 100 },
          maxItems: UNCAPPED_ITEMS,
          readOnly: true,
          description: 'Given by an administrator (`verbo users add --role`); new accounts have none.',
        },
        createdAt: DATE('When the account was created.', { readOnly: true }),
        updatedAt: DATE('When the account last changed.', { readOnly: true }),
      },
      ['id', 'email', 'name', 'roles', 'createdAt', 'updatedAt'],
      {
        description: 'A user as every response shows it: never a password or its hash.',
        examples: [
          {
            id: 1,
            email: 'ada@example.com',
            name: 'Ada',
            roles: [],
            createdAt: '2025-03-14T09:26:53.589Z',
            updatedAt: '2025-03-14T09:26:53.589Z',
          },
        ],
      },
    ),
    Registration: object(
      {
        email: { type: 'string', format: 'email', maxLength: 320 },
        password: password(
          settings.passwordMinLength,
          `At least ${settings.passwordMinLength} characters; stored only as a slow salted hash.`,
        ),
        name: { type: 'string', minLength: 1, maxLength: 200 },
      },
      ['email', 'password'],
      { description: 'A new account (registration is open in this config).' },
    ),
    Credentials: object(
      {
        email: { type: 'string', minLength: 1, maxLength: 320 },
        password: password(1, 'Compared with the stored hash in constant time.'),
      },
      ['email', 'password'],
      { description: 'Sign-in credentials.' },
    ),
    TokenCreate: object(
      {
        name: token.name,
        expiresAt: DATE('When the token should stop working (in the future). Not with expiresInSeconds.'),
        expiresInSeconds: int(1, 100 * 365 * 86400, {
          description: 'Lifetime in seconds. Not with expiresAt.',
        }),
      },
      ['name'],
      { description: `A new API token. ${maxTtl}` },
    ),
    ApiToken: object(token, tokenRequired, { description: 'An API token; its secret is never shown again.' }),
    NewApiToken: object(
      {
        ...token,
        token: {
          type: 'string',
          pattern: '^vbo_[A-Za-z0-9_-]{43}$',
          maxLength: 47,
          readOnly: true,
          description:
            'The secret, shown in this response only (only its hash is stored): send it as `Authorization: Bearer <token>`.',
        },
      },
      [...tokenRequired, 'token'],
      { description: 'The token just created, with its secret.' },
    ),
  };
}

/** Response headers only the auth routes send. */
export function authHeaders(): Record<string, unknown> {
  const cookie = `${SESSION_COOKIE}=<id>; Path=/; HttpOnly; SameSite=Lax; Max-Age=<s>; Expires=<date>[; Secure]`;
  return {
    'Set-Cookie': {
      description: `The session cookie \`${SESSION_COOKIE}\` (HttpOnly, SameSite=Lax, Path=/, Secure under HTTPS).`,
      schema: { type: 'string', maxLength: 512, examples: [cookie] },
    },
    'Cache-Control': {
      description: 'Auth responses are never stored (`no-store`); signed-in responses are `private`.',
      schema: { type: 'string', maxLength: 64, examples: ['no-store'] },
    },
  };
}
