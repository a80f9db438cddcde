/** Checks that a declared default is a valid value of its field, with the same rules as a request body. */
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
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
  const why = reason(validate.errors ?? []);
  return `default ${JSON.stringify(field.default)} is not a valid ${field.type.name}${why ? `: it ${why}` : ''}`;
}

/**
 * The validator's own wording ("must match a schema in anyOf") means nothing to someone writing a
 * config: say the broken rule in the config's terms, or nothing beyond "not a valid <type>".
 * Errors inside an anyOf branch (an integer's "number or digit string") describe no single rule.
 */
function reason(errors: ErrorObject[]): string | undefined {
  const e = errors.find((x) => !/\/(anyOf|oneOf)\//.test(x.schemaPath) && x.keyword !== 'anyOf');
  if (!e) return undefined;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).filter((v) => v !== null).join(', ')}`;
    case 'minLength':
      return `must have at least ${p.limit} characters`;
    case 'maxLength':
      return `must have at most ${p.limit} characters`;
    case 'minimum':
    case 'exclusiveMinimum':
      return `must be at least ${p.limit}`;
    case 'maximum':
    case 'exclusiveMaximum':
      return `must be at most ${p.limit}`;
    case 'pattern':
      return `does not match the field's pattern ${p.pattern}`;
    case 'format':
      return `is not a valid ${p.format}`;
    default:
      return undefined;
  }
}
