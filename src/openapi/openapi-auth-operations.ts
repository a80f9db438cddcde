/** Operation builders of the `/auth/*` paths (openapi-auth-paths.ts): security, statuses, HEAD and OPTIONS. */
import type { Model } from '../model/model-types.js';
import type { ErrorStatus } from './openapi-errors.js';
import { commonHeaders, headerRef, parameterRef } from './openapi-headers.js';
import { schemaRef } from './openapi-record-schemas.js';
import * as res from './openapi-responses.js';

type Requirement = Record<string, string[]>;
export const ANONYMOUS: Requirement[] = [{}];
export const SIGNED_IN: Requirement[] = [{ cookieAuth: [] }, { bearerAuth: [] }];
export const SESSION_ONLY: Requirement[] = [{ cookieAuth: [] }];
export const EITHER: Requirement[] = [{}, ...SIGNED_IN];

export const headers = (...names: string[]) => {
  const out: Record<string, unknown> = { ...commonHeaders(), 'Cache-Control': headerRef('Cache-Control') };
  for (const n of names) out[n] = headerRef(n);
  return out;
};
export const json = (schema: unknown) => ({ 'application/json': { schema } });

export interface AuthOp {
  id: string;
  summary: string;
  description: string;
  security: Requirement[];
  parameters?: unknown[];
  body?: string;
  success: Record<string, unknown>;
  errors: ErrorStatus[];
}

export function operation(model: Model, op: AuthOp, method: string): Record<string, unknown> {
  const unsafe = method !== 'get' && method !== 'head';
  const errors: ErrorStatus[] = [
    ...op.errors,
    ...res.commonStatuses(model),
    401,
    ...(unsafe ? res.bodyStatuses : []),
    ...(unsafe ? [403 as const] : []),
  ];
  return {
    operationId: op.id,
    summary: op.summary,
    description: op.description,
    tags: ['auth'],
    parameters: [...(op.parameters ?? []), parameterRef('AcceptLanguage')],
    ...(op.body ? { requestBody: { required: true, content: json(schemaRef(op.body)) } } : {}),
    responses: res.responses(op.success, errors, 'Post'),
    security: op.security,
  };
}

/** GET and HEAD of one read-only view. */
export function readable(model: Model, op: AuthOp) {
  const head = (ok: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(ok).map(([s, r]) => {
        const { content: _c, ...rest } = r as Record<string, unknown>;
        return [s, { ...rest, description: `${rest.description} HEAD: the headers only.` }];
      }),
    );
  return {
    get: operation(model, op, 'get'),
    head: operation(
      model,
      {
        ...op,
        id: op.id.replace(/^authGet|^authList/, 'authHead'),
        summary: `Headers of: ${op.summary}`,
        success: head(op.success),
      },
      'head',
    ),
  };
}

export const optionsOf = (model: Model, id: string, path: string) =>
  ({
    operationId: `authOptions${id}`,
    summary: `Methods of ${path}`,
    description: 'Allow (and Accept-Post where POST is served); CORS preflights are answered here too.',
    tags: ['auth'],
    parameters: [parameterRef('AcceptLanguage')],
    responses: res.responses(
      { 204: res.options(model, 'Post') },
      [...res.bodyStatuses, ...res.commonStatuses(model)],
      'Post',
    ),
    security: ANONYMOUS,
  }) as const;
