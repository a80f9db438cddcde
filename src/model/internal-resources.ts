/**
 * The built-in resources behind auth: users and API tokens. They are stored through the same Store
 * as declared resources (so every instance sees them) but never get CRUD routes; their names start
 * with `_`, which declared resource names cannot.
 */
import { fieldTypes } from './field-registry.js';
import type { FieldDef, ResourceDef } from './model-types.js';
import { systemFields } from './system-fields.js';

export const USERS_TABLE = '_verbo_users';
export const TOKENS_TABLE = '_verbo_tokens';

export function field(name: string, typeName: string, extra: Partial<FieldDef> = {}): FieldDef {
  const type = fieldTypes.get(typeName)!;
  return {
    name,
    type,
    storage: type.storage,
    required: false,
    unique: false,
    index: false,
    options: {},
    system: false,
    ...extra,
  };
}

export function internalResource(name: string, fields: FieldDef[], description: string): ResourceDef {
  const system = systemFields('integer');
  const allFields = new Map<string, FieldDef>([[system.id.name, system.id]]);
  for (const f of fields) allFields.set(f.name, f);
  allFields.set('createdAt', system.createdAt).set('updatedAt', system.updatedAt);
  return {
    name,
    idType: 'integer',
    fields,
    allFields,
    movedFrom: [],
    renamedFrom: [],
    indexes: [],
    requireIfMatch: false,
    description,
    toOne: [],
    toMany: [],
    rules: [],
  };
}

export function internalResources(): { users: ResourceDef; tokens: ResourceDef } {
  const users = internalResource(
    USERS_TABLE,
    [
      field('email', 'email', { required: true, unique: true, index: true }),
      field('name', 'string'),
      field('roles', 'json'),
      // scrypt$N$r$p$salt$hash: never serialized, never logged.
      field('passwordHash', 'string', { required: true }),
    ],
    'Users who sign in (built in).',
  );
  const tokens = internalResource(
    TOKENS_TABLE,
    [
      field('userId', 'reference', {
        required: true,
        index: true,
        reference: {
          resource: USERS_TABLE,
          onDelete: 'cascade',
          idType: users.idType,
          idField: users.allFields.get('id'),
        },
        options: { to: USERS_TABLE, onDelete: 'cascade' },
      }),
      field('name', 'string', { required: true }),
      // SHA-256 of the secret; the secret itself is shown once and never stored.
      field('tokenHash', 'string', { required: true, unique: true, index: true }),
      field('expiresAt', 'datetime'),
      field('lastUsedAt', 'datetime'),
    ],
    'API tokens (built in).',
  );
  return { users, tokens };
}
