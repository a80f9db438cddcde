/** The one table of field types. Adding a type = one module in field-types/ + one line here. */
import type { FieldType } from './field-type.js';
import { booleanField } from './field-types/boolean-field.js';
import { dateField } from './field-types/date-field.js';
import { datetimeField } from './field-types/datetime-field.js';
import { emailField } from './field-types/email-field.js';
import { enumField } from './field-types/enum-field.js';
import { fileField } from './field-types/file-field.js';
import { integerField } from './field-types/integer-field.js';
import { jsonField } from './field-types/json-field.js';
import { numberField } from './field-types/number-field.js';
import { referenceField } from './field-types/reference-field.js';
import { stringField } from './field-types/string-field.js';
import { textField } from './field-types/text-field.js';
import { urlField } from './field-types/url-field.js';
import { uuidField } from './field-types/uuid-field.js';

export const fieldTypes: ReadonlyMap<string, FieldType> = new Map(
  [
    stringField,
    textField,
    integerField,
    numberField,
    booleanField,
    dateField,
    datetimeField,
    emailField,
    urlField,
    uuidField,
    enumField,
    jsonField,
    referenceField,
    fileField,
  ].map((t) => [t.name, t]),
);

/** Options every field accepts, whatever its type. */
export const COMMON_OPTIONS = [
  'type',
  'required',
  'unique',
  'default',
  'index',
  'description',
  'renamedFrom',
] as const;
