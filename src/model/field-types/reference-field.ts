import type { OptionProblem } from '../field-type.js';
import type { FieldDef } from '../model-types.js';
import { ON_DELETE, type OnDelete } from '../model-types.js';
import { defineFieldType } from './define-field-type.js';

/** The target's id field; a reference is read, parsed, checked and documented as that id. */
const idOf = (f: FieldDef): FieldDef | undefined => f.reference?.idField;

/**
 * A reference to a record of another resource (`to`). It takes its target's id type: the same
 * schema, query parsing, canonical form, errors and examples (docs/config.md). The model resolves
 * `field.reference.idField` (and the field's storage kind) once every resource is known.
 */
export const referenceField = defineFieldType({
  name: 'reference',
  options: ['to', 'onDelete'],
  storage: 'integer',
  reference: true,
  checkOptions(raw) {
    const out: OptionProblem[] = [];
    if (typeof raw.to !== 'string' || raw.to === '')
      out.push({ option: 'to', message: 'must name a resource' });
    if (raw.onDelete !== undefined && !ON_DELETE.includes(raw.onDelete as OnDelete)) {
      out.push({ option: 'onDelete', message: `must be one of ${ON_DELETE.join(', ')}` });
    }
    return out;
  },
  jsonSchema(f) {
    const id = idOf(f);
    return id ? id.type.jsonSchema(id) : { type: 'string', minLength: 1 };
  },
  parseQuery(raw, f) {
    const id = idOf(f);
    return id ? id.type.parseQuery(raw, id) : { ok: true, value: raw };
  },
  querySchema(f) {
    const id = idOf(f);
    return id ? id.type.querySchema(id) : { type: 'string' };
  },
  isStoredValue(v, f) {
    const id = idOf(f);
    return id?.type.isStoredValue(v, id) === true;
  },
  normalize(v, f) {
    const id = idOf(f);
    return id?.type.normalize ? id.type.normalize(v, id) : v;
  },
  example: (f) => idOf(f)?.type.id?.example,
});
