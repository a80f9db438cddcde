/** The fields every record has: its id and server-set timestamps. */
import { fieldTypes } from './field-registry.js';
import type { FieldDef, IdType } from './model-types.js';

function systemField(name: string, typeName: string, description: string): FieldDef {
  const type = fieldTypes.get(typeName)!;
  return {
    name,
    type,
    storage: type.storage,
    required: false,
    unique: name === 'id',
    index: true,
    options: {},
    system: true,
    description,
  };
}

export function systemFields(idType: IdType): { id: FieldDef; createdAt: FieldDef; updatedAt: FieldDef } {
  const idTypeName = idType === 'integer' ? 'integer' : idType === 'uuid' ? 'uuid' : 'string';
  const id = systemField('id', idTypeName, 'Primary key.');
  if (idType === 'string') id.options = { minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._~-]+$' };
  if (idType === 'integer') id.options = { minimum: 1 };
  return {
    id,
    createdAt: systemField('createdAt', 'datetime', 'When the record was created (server-set).'),
    updatedAt: systemField('updatedAt', 'datetime', 'When the record was last written (server-set).'),
  };
}
