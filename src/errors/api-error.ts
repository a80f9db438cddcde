/** The one error class: one or more problems, one status, optional headers. No HTTP, no I/O. */
import { ERROR_CATALOGUE, type ErrorCode } from './error-catalogue.js';
import type { MessageKey } from './user-messages.js';

export type Language = 'en' | 'es';

/** A `{placeholder}` value: plain text, or message keys said in the reader's language (joined with "or"). */
export type MessageVar = string | { anyOf: MessageKey[] };

export interface Problem {
  code: ErrorCode;
  internalMessage: string;
  /** The user message (user-messages.ts); the code's catalogue message when absent. Filled with `vars`. */
  message?: MessageKey;
  vars?: Record<string, MessageVar>;
  pointer?: string;
  parameter?: string;
  /** The business rule broken (BUSINESS_RULE_VIOLATED), shown in the envelope entry. */
  rule?: string;
  /** A user message given by the config or a hook, instead of a catalogue one (`es` falls back to `en`). */
  text?: { en: string; es?: string };
  /** The code a hook rejected with (`ctx.reject`), shown instead of `code` (whose status it keeps). */
  shownCode?: string;
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
