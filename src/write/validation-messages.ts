/** Which user message (errors/user-messages.ts) and placeholders one Ajv error gets. */
import type { ErrorObject } from 'ajv';
import type { MessageVar } from '../errors/api-error.js';
import { type MessageKey, USER_MESSAGES } from '../errors/user-messages.js';

const TYPE_KEYS: Record<string, MessageKey> = {
  string: 'type.string',
  integer: 'type.integer',
  number: 'type.number',
  boolean: 'type.boolean',
  object: 'type.object',
  array: 'type.array',
};

export interface ValidationMessage {
  message: MessageKey;
  vars: Record<string, MessageVar>;
}

/** The keys a field type may name in its `messageKeys` (a test checks every field type's keys are among them). */
export const MESSAGE_KEYS: readonly string[] = Object.keys(USER_MESSAGES);

const isMessageKey = (key: string | undefined): key is MessageKey =>
  key !== undefined && Object.hasOwn(USER_MESSAGES, key);

/** The message of one Ajv error on `field`; `key` is the field type's message key for the keyword, if any. */
export function validationMessage(e: ErrorObject, field: string, key?: string): ValidationMessage {
  const p = e.params as Record<string, unknown>;
  const at = (message: MessageKey, vars: Record<string, MessageVar> = {}): ValidationMessage => ({
    message,
    vars: { field, ...vars },
  });
  if (isMessageKey(key)) return at(key, { format: String(p.format ?? '') });
  switch (e.keyword) {
    case 'required':
      return at('field.required');
    case 'additionalProperties':
      return at('field.unknown');
    case 'type': {
      const types = String(p.type)
        .split(',')
        .filter((t) => t !== 'null');
      if (types.every((t) => TYPE_KEYS[t]))
        return at('field.type', { type: { anyOf: types.map((t) => TYPE_KEYS[t]) } });
      return at('field.type', { type: types.join(', ') });
    }
    case 'format':
      return at('format.other', { format: String(p.format) });
    case 'enum':
      return at('field.enum', {
        values: (p.allowedValues as unknown[]).filter((v) => v !== null).join(', '),
      });
    case 'minLength':
      return at('field.minLength', { limit: String(p.limit) });
    case 'maxLength':
      return at('field.maxLength', { limit: String(p.limit) });
    case 'minimum':
    case 'exclusiveMinimum':
      return at('field.minimum', { limit: String(p.limit) });
    case 'maximum':
    case 'exclusiveMaximum':
      return at('field.maximum', { limit: String(p.limit) });
    case 'pattern':
      return at('field.pattern');
    default:
      return at('field.invalid');
  }
}
