/** The fields every record has: its id and server-set timestamps. */
import { fieldTypes } from './field-registry.js';
import type { IdKind } from './field-type.js';
import type { FieldDef, IdType, ResourceDef } from './model-types.js';

/** The field types a resource's id may have (those that describe an `id` kind), in registry order. */
export const ID_TYPES: readonly string[] = [...fieldTypes.values()].filter((t) => t.id).map((t) => t.name);

/** The timestamps' type: the one whose values are instants (its storage kind says so). */
const instantType = [...fieldTypes.values()].find((t) => t.storage === 'datetime')!;

function systemField(name: string, typeName: string, description: string): FieldDef {
  const type = fieldTypes.get(typeName)!;
  return {
    name,
    type,
    storage: type.storage,
    required: false,
    unique: name === 'id',
    index: true,
    options: { ...type.id?.options },
    system: true,
    description,
  };
}

export function systemFields(idType: IdType): { id: FieldDef; createdAt: FieldDef; updatedAt: FieldDef } {
  const id = systemField('id', idType, 'Primary key.');
  return {
    id,
    createdAt: systemField('createdAt', instantType.name, 'When the record was created (server-set).'),
    updatedAt: systemField('updatedAt', instantType.name, 'When the record was last written (server-set).'),
  };
}

/** What a resource's id is: who assigns it, how a URL names it, how OpenAPI shows it. */
export const idKindOf = (r: ResourceDef): IdKind => r.allFields.get('id')!.type.id!;
