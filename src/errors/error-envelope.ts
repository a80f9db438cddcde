/** Renders an ApiError as the envelope (a JSON array, docs/errors.md) or as one RFC 9457 problem object. */
import type { ApiError, Language, MessageVar, Problem } from './api-error.js';
import { ERROR_CATALOGUE } from './error-catalogue.js';
import { statusTitle } from './status-titles.js';
import { USER_MESSAGES } from './user-messages.js';

export interface EnvelopeEntry {
  code: string;
  status: number;
  internalMessage: string;
  userMessage: string;
  traceId: string;
  pointer?: string;
  parameter?: string;
  rule?: string;
}

const say = (v: MessageVar, lang: Language): string =>
  typeof v === 'string' ? v : v.anyOf.map((k) => USER_MESSAGES[k][lang]).join(USER_MESSAGES['word.or'][lang]);

/** Fills `{name}` placeholders; an unknown one is left as its bare name. */
export const fillMessage = (text: string, vars: Record<string, MessageVar> = {}, lang: Language = 'en') =>
  text.replace(/\{(\w+)\}/g, (_, k: string) => (vars[k] === undefined ? k : say(vars[k], lang)));

export function userMessageOf(p: Problem, lang: Language): string {
  if (p.text) return p.text[lang] ?? p.text.en;
  const text = p.message ? USER_MESSAGES[p.message][lang] : ERROR_CATALOGUE[p.code][lang];
  return fillMessage(text, p.vars, lang);
}

export function envelope(error: ApiError, lang: Language, traceId: string): EnvelopeEntry[] {
  return error.problems.map((p) => {
    const entry: EnvelopeEntry = {
      code: p.shownCode ?? p.code,
      status: error.status,
      internalMessage: p.internalMessage,
      userMessage: userMessageOf(p, lang),
      traceId,
    };
    if (p.pointer !== undefined) entry.pointer = p.pointer;
    if (p.parameter !== undefined) entry.parameter = p.parameter;
    if (p.rule !== undefined) entry.rule = p.rule;
    return entry;
  });
}

/** RFC 9457: one object; the envelope entries travel in `errors`. */
export function problemDetails(error: ApiError, lang: Language, traceId: string, instance: string) {
  const errors = envelope(error, lang, traceId);
  return {
    type: 'about:blank',
    code: errors[0].code,
    title: statusTitle(error.status),
    status: error.status,
    detail: errors.map((e) => e.userMessage).join(' '),
    instance,
    traceId,
    errors,
  };
}
