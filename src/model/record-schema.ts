/** JSON Schemas of a resource's records, derived from the model (also used by OpenAPI). */
import type { JsonSchema } from './field-type.js';
import type { FieldDef, ResourceDef } from './model-types.js';

/** A field that may be omitted on write (optional, or filled by its default). */
export const isOptionalOnWrite = (f: FieldDef): boolean => !f.required || f.default !== undefined;

export function fieldSchema(f: FieldDef, nullable: boolean): JsonSchema {
  const base = f.type.jsonSchema(f);
  const schema: JsonSchema = f.description ? { ...base, description: f.description } : { ...base };
  // A schema without `type` (json: any value) already admits null.
  if (!nullable) return schema;
  if (typeof schema.type === 'string') {
    schema.type = [schema.type, 'null'];
    if (Array.isArray(schema.enum)) schema.enum = [...(schema.enum as unknown[]), null];
  } else if (Array.isArray(schema.anyOf)) {
    // An integer beyond ±2^53 is a digit string (model/exact-integer.ts): number, string or null.
    schema.anyOf = [...(schema.anyOf as JsonSchema[]), { type: 'null' }];
  }
  return schema;
}

/** Body of POST and PUT, and the result of a PATCH: declared fields only (system fields checked apart). */
export function writeSchema(r: ResourceDef): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const f of r.fields) properties[f.name] = fieldSchema(f, !f.required);
  return {
    type: 'object',
    properties,
    required: r.fields.filter((f) => !isOptionalOnWrite(f) && !f.type.file).map((f) => f.name),
    additionalProperties: false,
  };
}
