/** Checks that a declared default is a valid value of its field, with the same rules as a request body. */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import type { FieldDef } from './model-types.js';

const addFormats = addFormatsImport as unknown as (ajv: Ajv2020) => Ajv2020;
let ajv: Ajv2020 | undefined;

export function checkFieldDefault(field: FieldDef): string | undefined {
  if (field.default === undefined) return undefined;
  if (field.reference) return 'a reference cannot have a default';
  ajv ??= addFormats(new Ajv2020({ strict: false, allErrors: true }));
  const validate = ajv.compile(field.type.jsonSchema(field));
  if (validate(field.default)) return undefined;
  return `default ${JSON.stringify(field.default)} is not a valid ${field.type.name}: ${ajv.errorsText(validate.errors, { dataVar: 'value' })}`;
}
