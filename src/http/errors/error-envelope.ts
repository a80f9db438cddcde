/** Renders an ApiError as the §3 envelope (a JSON array) or as one RFC 9457 problem object. */
import type { ApiError, Language, Problem } from './api-error.js';
import { ERROR_CATALOGUE } from './error-catalogue.js';

export interface EnvelopeEntry {
  code: string;
  status: number;
  internalMessage: string;
  userMessage: string;
  traceId: string;
  pointer?: string;
  parameter?: string;
}

const fill = (text: string, vars: Record<string, string> = {}): string =>
  text.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? k);

export function userMessageOf(p: Problem, lang: Language): string {
  if (p.userMessage) return p.userMessage[lang];
  return fill(ERROR_CATALOGUE[p.code][lang], p.vars);
}

export function envelope(error: ApiError, lang: Language, traceId: string): EnvelopeEntry[] {
  return error.problems.map((p) => {
    const entry: EnvelopeEntry = {
      code: p.code,
      status: error.status,
      internalMessage: p.internalMessage,
      userMessage: userMessageOf(p, lang),
      traceId,
    };
    if (p.pointer !== undefined) entry.pointer = p.pointer;
    if (p.parameter !== undefined) entry.parameter = p.parameter;
    return entry;
  });
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
};

/** RFC 9457: one object; the envelope entries travel in `errors`. */
export function problemDetails(error: ApiError, lang: Language, traceId: string, instance: string) {
  const errors = envelope(error, lang, traceId);
  return {
    type: 'about:blank',
    code: errors[0].code,
    title: TITLES[error.status] ?? 'Error',
    status: error.status,
    detail: errors.map((e) => e.userMessage).join(' '),
    instance,
    traceId,
    errors,
  };
}
