/**
 * User messages for one kind of problem within a catalogue code (a missing field, a text too long,
 * a read-only field…), in every language verbo speaks. A problem names one by key (`message`) and
 * fills its `{placeholders}` from `vars`; without a key it gets its code's catalogue message.
 * Field types and body checks refer to these keys; the texts live only here.
 */
export const USER_MESSAGES = {
  // Record fields (VALIDATION_FAILED)
  'field.required': { en: 'The field “{field}” is required.', es: 'El campo «{field}» es obligatorio.' },
  'field.unknown': { en: 'The field “{field}” does not exist.', es: 'El campo «{field}» no existe.' },
  'field.invalid': { en: 'The field “{field}” is not valid.', es: 'El campo «{field}» no es válido.' },
  'field.type': { en: '“{field}” must be {type}.', es: '«{field}» debe ser {type}.' },
  'field.enum': { en: '“{field}” must be one of: {values}.', es: '«{field}» debe ser uno de: {values}.' },
  'field.minLength': {
    en: '“{field}” must have at least {limit} characters.',
    es: '«{field}» debe tener al menos {limit} caracteres.',
  },
  'field.maxLength': {
    en: '“{field}” must have at most {limit} characters.',
    es: '«{field}» debe tener como máximo {limit} caracteres.',
  },
  'field.minimum': {
    en: '“{field}” must be at least {limit}.',
    es: '«{field}» debe ser como mínimo {limit}.',
  },
  'field.maximum': {
    en: '“{field}” must be at most {limit}.',
    es: '«{field}» debe ser como máximo {limit}.',
  },
  'field.pattern': {
    en: '“{field}” does not have the expected form.',
    es: '«{field}» no tiene la forma esperada.',
  },
  'field.readOnly': {
    en: 'The field “{field}” cannot be changed.',
    es: 'El campo «{field}» no se puede modificar.',
  },
  'field.nul': {
    en: 'The field “{field}” contains a character that is not allowed (U+0000).',
    es: 'El campo «{field}» contiene un carácter no permitido (U+0000).',
  },
  'field.integerAsText': {
    en: '“{field}” is too large to send as a number: send its digits as text.',
    es: '«{field}» es demasiado grande para enviarlo como número: envía sus dígitos como texto.',
  },
  'invalid-email': { en: 'The email address is not valid.', es: 'El correo electrónico no es válido.' },
  'invalid-url': { en: '“{field}” must be a valid URL.', es: '«{field}» debe ser una URL válida.' },
  'invalid-date': {
    en: '“{field}” must be a date (YYYY-MM-DD).',
    es: '«{field}» debe ser una fecha (AAAA-MM-DD).',
  },
  'invalid-datetime': {
    en: '“{field}” must be a date and time (RFC 3339).',
    es: '«{field}» debe ser una fecha y hora (RFC 3339).',
  },
  // Field types name these in their `messageKeys` (model/field-type.ts), per failing keyword.
  'format.other': { en: '“{field}” is not a valid {format}.', es: '«{field}» no es un {format} válido.' },
  // Names of JSON types, for `{type}` in field.type (joined with word.or).
  'type.string': { en: 'a text', es: 'un texto' },
  'type.integer': { en: 'a whole number', es: 'un número entero' },
  'type.number': { en: 'a number', es: 'un número' },
  'type.boolean': { en: 'true or false', es: 'verdadero o falso' },
  'type.object': { en: 'an object', es: 'un objeto' },
  'type.array': { en: 'a list', es: 'una lista' },
  'type.null': { en: 'empty', es: 'vacío' },
  'word.or': { en: ' or ', es: ' o ' },
  // Whole bodies and ids
  'body.notObject': { en: 'The data must be a JSON object.', es: 'Los datos deben ser un objeto JSON.' },
  'body.jsonSyntaxAt': {
    en: 'The request body is not valid JSON (line {line}, column {column}).',
    es: 'El cuerpo de la petición no es un JSON válido (línea {line}, columna {column}).',
  },
  'id.invalid': { en: 'The id is not valid.', es: 'El identificador no es válido.' },
  // API tokens (POST /auth/tokens)
  'token.expiryTwice': {
    en: 'Give an expiry date or a duration, not both.',
    es: 'Indique una fecha de caducidad o una duración, no ambas.',
  },
  'token.expiryPast': {
    en: 'The expiry must be in the future.',
    es: 'La caducidad debe estar en el futuro.',
  },
  'token.expiryTooLate': {
    en: 'Tokens can last at most {days} days.',
    es: 'Los tokens pueden durar como máximo {days} días.',
  },
} as const satisfies Record<string, { en: string; es: string }>;

export type MessageKey = keyof typeof USER_MESSAGES;
