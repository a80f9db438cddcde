/** The JSON bodies of the /auth routes, checked like record bodies (every problem at once, 422). */

import type { FastifyRequest } from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import type { MessageKey } from '../../errors/user-messages.js';
import type { AuthSettings } from '../../model/auth-config.js';
import type { MessageKeys } from '../../model/field-type.js';
import { createAjv, problemsFromAjv } from '../../write/record-validator.js';
import { requireBody } from '../request/body-media-type.js';

const ajv = createAjv();

export interface RegisterBody {
  email: string;
  password: string;
  name?: string;
}
export interface LoginBody {
  email: string;
  password: string;
}
export interface TokenBody {
  name: string;
  expiresAt?: string;
  expiresInSeconds?: number;
}

/** The bodies' members that carry an email address or an instant get those values' messages. */
const MESSAGE_KEYS: Record<string, MessageKeys> = {
  email: { format: 'invalid-email' },
  expiresAt: { format: 'invalid-datetime' },
};

function checker<T>(schema: Record<string, unknown>): (req: FastifyRequest) => T {
  const validate = ajv.compile(schema);
  return (req) => {
    requireBody(req, ['application/json'], 'accept-post');
    if (!validate(req.body))
      throw new ApiError(problemsFromAjv(validate.errors ?? [], (name) => MESSAGE_KEYS[name]));
    return req.body as T;
  };
}

const object = (properties: Record<string, unknown>, required: string[]) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const password = (minLength: number) => ({ type: 'string', minLength, maxLength: 1024 });

export function authBodies(settings: AuthSettings) {
  return {
    register: checker<RegisterBody>(
      object(
        {
          email: { type: 'string', format: 'email', maxLength: 320 },
          password: password(settings.passwordMinLength),
          name: { type: 'string', minLength: 1, maxLength: 200 },
        },
        ['email', 'password'],
      ),
    ),
    login: checker<LoginBody>(
      object({ email: { type: 'string', minLength: 1, maxLength: 320 }, password: password(1) }, [
        'email',
        'password',
      ]),
    ),
    token: checker<TokenBody>(
      object(
        {
          name: { type: 'string', minLength: 1, maxLength: 100 },
          expiresAt: { type: 'string', format: 'date-time' },
          expiresInSeconds: { type: 'integer', minimum: 1, maximum: 100 * 365 * 86400 },
        },
        ['name'],
      ),
    ),
  };
}

const invalid = (
  field: string,
  internalMessage: string,
  message: MessageKey,
  vars: Record<string, string> = {},
) => ApiError.of('VALIDATION_FAILED', internalMessage, { pointer: `/${field}`, message, vars });

/** When a new token expires: never (null) unless the body or `tokenMaxTtlDays` says; 422 when out of range. */
export function tokenExpiry(body: TokenBody, settings: AuthSettings, now = Date.now()): string | null {
  if (body.expiresAt !== undefined && body.expiresInSeconds !== undefined) {
    throw invalid('expiresInSeconds', 'give expiresAt or expiresInSeconds, not both', 'token.expiryTwice');
  }
  const max =
    settings.tokenMaxTtlDays === undefined ? undefined : now + settings.tokenMaxTtlDays * 86_400_000;
  let at =
    body.expiresAt !== undefined
      ? Date.parse(body.expiresAt)
      : body.expiresInSeconds !== undefined
        ? now + body.expiresInSeconds * 1000
        : undefined;
  if (at !== undefined && at <= now)
    throw invalid('expiresAt', 'expiresAt must be in the future', 'token.expiryPast');
  if (at !== undefined && max !== undefined && at > max) {
    const field = body.expiresAt !== undefined ? 'expiresAt' : 'expiresInSeconds';
    throw invalid(field, `tokens live at most ${settings.tokenMaxTtlDays} days here`, 'token.expiryTooLate', {
      days: String(settings.tokenMaxTtlDays),
    });
  }
  at ??= max;
  return at === undefined ? null : new Date(at).toISOString();
}
