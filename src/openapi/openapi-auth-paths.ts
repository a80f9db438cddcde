/**
 * The `/auth/*` path items, as src/http/auth/auth-plugin registers them under basePath: every
 * method served (GET also answers HEAD), OPTIONS, and each status the handler or the authenticate
 * hook can answer. Any request may answer 401 (a bad Bearer token is refused on every route), and
 * every unsafe one 403 (a cookie-authenticated request from another origin, docs/auth.md CSRF).
 */
import type { Model } from '../model/model-types.js';
import {
  ANONYMOUS,
  EITHER,
  headers,
  json,
  operation,
  optionsOf,
  readable,
  SESSION_ONLY,
  SIGNED_IN,
} from './openapi-auth-operations.js';
import { schemaRef } from './openapi-record-schemas.js';

const userOk = (description: string, ...extra: string[]) => ({
  description,
  headers: headers(...extra),
  content: json(schemaRef('User')),
});

const tokenIdParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: "The id of one of the caller's API tokens; any other value (or another user's token) → 404.",
  schema: { type: 'string', pattern: '^[1-9][0-9]{0,15}$', maxLength: 16, examples: ['7'] },
};

/** `paths` entries of the auth routes (keys relative to the server URL, i.e. without basePath). */
export function authPathItems(model: Model): Record<string, unknown> {
  if (!model.auth) return {};
  const base = model.basePath;
  const out: Record<string, unknown> = {};
  if (model.auth.registration === 'open')
    out['/auth/register'] = {
      post: operation(
        model,
        {
          id: 'authRegister',
          summary: 'Create an account and sign in',
          description: `Registration is open here. 201 with the user, Location \`${base}/auth/me\` and the session cookie. An email already taken → 409.`,
          security: ANONYMOUS,
          body: 'Registration',
          success: { 201: userOk('Registered and signed in.', 'Location', 'Set-Cookie') },
          errors: [409, 422, 507],
        },
        'post',
      ),
      options: optionsOf(model, 'Register', '/auth/register'),
    };
  out['/auth/login'] = {
    post: operation(
      model,
      {
        id: 'authLogin',
        summary: 'Sign in',
        description:
          'Checks the email and password and starts a new session (the one this browser had ends): 200 with the user and the session cookie in Set-Cookie. ' +
          `A wrong email or password → 401 \`LOGIN_FAILED\`; too many attempts for the account or from the address → 429 with Retry-After (at most ${model.auth.loginLimit.perAccount} per account and ${model.auth.loginLimit.perAddress} per address every ${model.auth.loginLimit.windowSeconds} s).`,
        security: ANONYMOUS,
        body: 'Credentials',
        success: { 200: userOk('Signed in.', 'Set-Cookie') },
        errors: [422, 429, 507],
      },
      'post',
    ),
    options: optionsOf(model, 'Login', '/auth/login'),
  };
  out['/auth/logout'] = {
    post: operation(
      model,
      {
        id: 'authLogout',
        summary: 'Sign out',
        description: 'Ends the session of the cookie sent (if any) and clears the cookie. Always 204.',
        security: EITHER,
        success: {
          204: {
            description: 'Signed out; the cookie is cleared (Max-Age=0).',
            headers: headers('Set-Cookie'),
          },
        },
        errors: [],
      },
      'post',
    ),
    options: optionsOf(model, 'Logout', '/auth/logout'),
  };
  out['/auth/me'] = {
    ...readable(model, {
      id: 'authGetMe',
      summary: 'The signed-in user',
      description:
        'The caller of the session cookie or Bearer token; without one (or with an ended session) → 401.',
      security: SIGNED_IN,
      success: { 200: userOk('The signed-in user.') },
      errors: [],
    }),
    options: optionsOf(model, 'Me', '/auth/me'),
  };
  const tokenOk = (description: string) => ({
    description,
    headers: headers(),
    content: json(schemaRef('ApiToken')),
  });
  out['/auth/tokens'] = {
    ...readable(model, {
      id: 'authListTokens',
      summary: "The caller's API tokens",
      description: 'Every token of the signed-in user, oldest first; never their secrets.',
      security: SIGNED_IN,
      success: {
        200: {
          description: "The caller's tokens.",
          headers: headers(),
          content: json({ type: 'array', items: schemaRef('ApiToken'), maxItems: Number.MAX_SAFE_INTEGER }),
        },
      },
      errors: [],
    }),
    post: operation(
      model,
      {
        id: 'authCreateToken',
        summary: 'Create an API token',
        description:
          'From a signed-in session only (with a Bearer token → 403). 201 with Location and the secret in `token`, shown this once.',
        security: SESSION_ONLY,
        body: 'TokenCreate',
        success: {
          201: {
            description: 'Created; the secret is in `token`, shown only now.',
            headers: headers('Location'),
            content: json(schemaRef('NewApiToken')),
          },
        },
        errors: [422, 507],
      },
      'post',
    ),
    options: optionsOf(model, 'Tokens', '/auth/tokens'),
  };
  out['/auth/tokens/{id}'] = {
    parameters: [tokenIdParameter],
    ...readable(model, {
      id: 'authGetToken',
      summary: "One of the caller's API tokens",
      description: "Without its secret. Another user's token answers 404 like a missing one.",
      security: SIGNED_IN,
      success: { 200: tokenOk('The token.') },
      errors: [400, 404],
    }),
    delete: operation(
      model,
      {
        id: 'authRevokeToken',
        summary: 'Revoke an API token',
        description: "It stops working at once. Another user's token answers 404 like a missing one.",
        security: SIGNED_IN,
        success: { 204: { description: 'Revoked; no body.', headers: headers() } },
        errors: [404, 507],
      },
      'delete',
    ),
    options: optionsOf(model, 'Token', '/auth/tokens/{id}'),
  };
  return out;
}
