/** Turns one Ajv error into a user message in English and Spanish. */
import type { ErrorObject } from 'ajv';
// Known upward import (test/architecture/layers.test.ts): the error types move to a layer-neutral module.
import type { Language } from '../http/errors/api-error.js';

const TYPE_NAMES: Record<string, Record<Language, string>> = {
  string: { en: 'a text', es: 'un texto' },
  integer: { en: 'a whole number', es: 'un número entero' },
  number: { en: 'a number', es: 'un número' },
  boolean: { en: 'true or false', es: 'verdadero o falso' },
  object: { en: 'an object', es: 'un objeto' },
  array: { en: 'a list', es: 'una lista' },
  null: { en: 'empty', es: 'vacío' },
};

const typeName = (t: unknown, lang: Language): string =>
  String(t)
    .split(',')
    .filter((x) => x !== 'null')
    .map((x) => TYPE_NAMES[x]?.[lang] ?? x)
    .join(lang === 'en' ? ' or ' : ' o ');

type Texts = Record<Language, string>;

/**
 * Messages a field type names by key (its `messageKeys`, model/field-type.ts), for a value that
 * fails one JSON Schema keyword. The texts stay here, with the other validation messages.
 */
const KEYED: Record<string, (field: string) => Texts> = {
  'invalid-email': () => ({
    en: 'The email address is not valid.',
    es: 'El correo electrónico no es válido.',
  }),
  'invalid-url': (field) => ({
    en: `“${field}” must be a valid URL.`,
    es: `«${field}» debe ser una URL válida.`,
  }),
  'invalid-date': (field) => ({
    en: `“${field}” must be a date (YYYY-MM-DD).`,
    es: `«${field}» debe ser una fecha (AAAA-MM-DD).`,
  }),
  'invalid-datetime': (field) => ({
    en: `“${field}” must be a date and time (RFC 3339).`,
    es: `«${field}» debe ser una fecha y hora (RFC 3339).`,
  }),
};

/** The keys `validationMessage` knows (a test checks every field type's keys are among them). */
export const MESSAGE_KEYS: readonly string[] = Object.keys(KEYED);

/** The message of one Ajv error on `field`; `key` is the field type's message key for the keyword, if any. */
export function validationMessage(e: ErrorObject, field: string, key?: string): Texts {
  const keyed = key === undefined ? undefined : KEYED[key];
  if (keyed) return keyed(field);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { en: `The field “${field}” is required.`, es: `El campo «${field}» es obligatorio.` };
    case 'additionalProperties':
      return { en: `The field “${field}” does not exist.`, es: `El campo «${field}» no existe.` };
    case 'type':
      return {
        en: `“${field}” must be ${typeName(p.type, 'en')}.`,
        es: `«${field}» debe ser ${typeName(p.type, 'es')}.`,
      };
    case 'format':
      return { en: `“${field}” is not a valid ${p.format}.`, es: `«${field}» no es un ${p.format} válido.` };
    case 'enum': {
      const values = (p.allowedValues as unknown[]).filter((v) => v !== null).join(', ');
      return { en: `“${field}” must be one of: ${values}.`, es: `«${field}» debe ser uno de: ${values}.` };
    }
    case 'minLength':
      return {
        en: `“${field}” must have at least ${p.limit} characters.`,
        es: `«${field}» debe tener al menos ${p.limit} caracteres.`,
      };
    case 'maxLength':
      return {
        en: `“${field}” must have at most ${p.limit} characters.`,
        es: `«${field}» debe tener como máximo ${p.limit} caracteres.`,
      };
    case 'minimum':
    case 'exclusiveMinimum':
      return {
        en: `“${field}” must be at least ${p.limit}.`,
        es: `«${field}» debe ser como mínimo ${p.limit}.`,
      };
    case 'maximum':
    case 'exclusiveMaximum':
      return {
        en: `“${field}” must be at most ${p.limit}.`,
        es: `«${field}» debe ser como máximo ${p.limit}.`,
      };
    case 'pattern':
      return {
        en: `“${field}” does not have the expected form.`,
        es: `«${field}» no tiene la forma esperada.`,
      };
    default:
      return { en: `The field “${field}” is not valid.`, es: `El campo «${field}» no es válido.` };
  }
}
