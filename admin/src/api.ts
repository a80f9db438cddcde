/** verbo's public HTTP API from the browser: JSON in and out, the error envelope read (docs/errors.md). */
import { lang, t } from './i18n.js';

export interface ApiProblem {
  code: string;
  status: number;
  userMessage?: string;
  internalMessage?: string;
  pointer?: string;
  parameter?: string;
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly problems: ApiProblem[],
    readonly headers: Headers,
  ) {
    super(problems.map((p) => p.userMessage ?? p.code).join(' '));
  }
}

export interface ApiAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is: a file, or multipart FormData (the browser sets its Content-Type). */
  raw?: Blob | FormData;
  headers?: Record<string, string>;
  /** Read a 2xx answer as a Blob (an export) instead of JSON. */
  blob?: boolean;
}

let onUnauthenticated: (() => void) | undefined;

/** Called when the API answers 401 outside `/auth/` (the session expired or ended): back to sign-in. */
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

/** Sends one request; resolves with 2xx answers, rejects with ApiFailure for the rest. */
export async function request<T = unknown>(
  method: string,
  url: string,
  options: RequestOptions = {},
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'accept-language': lang,
    ...options.headers,
  };
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
  } catch {
    throw new ApiFailure(0, [{ code: 'NETWORK', status: 0, userMessage: t('networkError') }], new Headers());
  }
  if (res.ok && options.blob)
    return { status: res.status, headers: res.headers, body: (await res.blob()) as T };
  const text = await res.text();
  const body = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const problems = Array.isArray(body)
      ? (body as ApiProblem[])
      : [{ code: 'HTTP_' + res.status, status: res.status, userMessage: `${res.status} ${res.statusText}` }];
    if (res.status === 401 && !/\/auth\/(login|me)$/.test(new URL(url, location.href).pathname))
      onUnauthenticated?.();
    throw new ApiFailure(res.status, problems, res.headers);
  }
  return { status: res.status, headers: res.headers, body: body as T };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The `rel="next"` target of a Link header (RFC 8288), resolved against the page URL. */
export function nextLink(link: string | null, base: string): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    if (m && /rel="?([^";]*\s)?next(\s[^";]*)?"?/.test(m[2])) return new URL(m[1], base).href;
  }
  return undefined;
}
