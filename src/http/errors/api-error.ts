/** The one error class of the HTTP layer: one or more problems, one status, optional headers. */
import { ERROR_CATALOGUE, type ErrorCode } from './error-catalogue.js';

export type Language = 'en' | 'es';

export interface Problem {
  code: ErrorCode;
  internalMessage: string;
  /** Per-problem user message by language; defaults to the catalogue's, filled with `vars`. */
  userMessage?: Record<Language, string>;
  vars?: Record<string, string>;
  pointer?: string;
  parameter?: string;
}

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly problems: Problem[],
    readonly headers: Record<string, string> = {},
    status?: number,
  ) {
    super(problems.map((p) => p.internalMessage).join('; '));
    this.name = 'ApiError';
    this.status = status ?? ERROR_CATALOGUE[problems[0].code].status;
  }

  static of(
    code: ErrorCode,
    internalMessage: string,
    extra: Partial<Problem> = {},
    headers?: Record<string, string>,
  ): ApiError {
    return new ApiError([{ code, internalMessage, ...extra }], headers);
  }
}
