import type { OptionProblem } from '../field-type.js';
import { defineFieldType, textOfLength } from './define-field-type.js';
import { checkNonNegativeInteger, checkOrdered, checkSearch, pick } from './option-checks.js';

const OPTIONS = ['minLength', 'maxLength', 'pattern'] as const;
/** Options that are not JSON Schema keywords. */
const OTHER_OPTIONS = ['search'] as const;
const KEY = /^[A-Za-z0-9._~-]{1,200}$/;

export const stringField = defineFieldType({
  name: 'string',
  options: [...OPTIONS, ...OTHER_OPTIONS],
  storage: 'text',
  checkOptions(raw) {
    const out: OptionProblem[] = [];
    checkNonNegativeInteger(raw, 'minLength', out);
    checkNonNegativeInteger(raw, 'maxLength', out);
    checkOrdered(raw, 'minLength', 'maxLength', out);
    checkSearch(raw, out);
    if (raw.pattern !== undefined) {
      try {
        new RegExp(String(raw.pattern), 'u');
        if (typeof raw.pattern !== 'string') throw new Error('not a string');
      } catch (e) {
        out.push({
          option: 'pattern',
          message: `is not a valid regular expression (${(e as Error).message})`,
        });
      }
    }
    return out;
  },
  jsonSchema: (f) => ({ type: 'string', ...pick(f.options, OPTIONS) }),
  parseQuery: (raw) => ({ ok: true, value: raw }),
  // A custom pattern cannot be met by a generic value.
  example: (f) => (f.options.pattern !== undefined ? undefined : textOfLength(`Example ${f.name}`, f)),
  id: {
    assignedBy: 'client',
    options: { minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._~-]+$' },
    parse: (raw) => (KEY.test(raw) ? raw : undefined),
    expected: 'a valid key ([A-Za-z0-9._~-], 1..200)',
    pathSchema: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      pattern: '^[A-Za-z0-9._~-]+$',
      examples: ['ada-lovelace'],
    },
    description: 'Primary key: a natural key chosen by the client (letters, digits, `.`, `_`, `~`, `-`).',
    example: 'ada-lovelace',
  },
});
