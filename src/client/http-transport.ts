/**
 * One HTTP call of the client: URL, headers (token, cookies, Idempotency-Key), JSON bodies, the
 * timeout and the caller's AbortSignal, retries per retry-policy.ts, and errors as VerboError.
 * Uses only the global fetch (or the one given), so it runs in Node 20+ and in browsers.
 */
import type { ApiResponse, ClientOptions, RequestSpec } from './client-options.js';
import { CookieJar } from './cookie-jar.js';
import {
  backoffDelay,
  isRetryableStatus,
  isRetrySafe,
  newIdempotencyKey,
  parseRetryAfter,
  type RetryPolicy,
  retryPolicy,
} from './retry-policy.js';
import { httpError, VerboError } from './verbo-error.js';

const TIMED_OUT = Symbol('timeout');

export class HttpTransport {
  readonly jar = new CookieJar();
  readonly policy: RetryPolicy;
  private readonly base: string;

  constructor(private readonly options: ClientOptions) {
    if (!options.baseUrl) throw new TypeError('createClient: baseUrl is required');
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.policy = retryPolicy(options.retries);
  }

  urlOf(path: string, query?: string): string {
    const url = /^[a-z][a-z0-9+.-]*:/i.test(path) ? path : `${this.base}${path}`;
    return query ? `${url}${url.includes('?') ? '&' : '?'}${query}` : url;
  }

  /** Resolves a `Link` target (usually an absolute path) against the URL that gave it. */
  resolve(target: string, from: string): string {
    return new URL(target, from).toString();
  }

  private async headersFor(spec: RequestSpec): Promise<Headers> {
    const h = new Headers(this.options.headers);
    if (!h.has('accept')) h.set('accept', 'application/json');
    const token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
    if (token) h.set('authorization', `Bearer ${token}`);
    const cookie = this.jar.header();
    if (cookie) h.set('cookie', cookie);
    if (spec.body !== undefined || spec.raw !== undefined)
      h.set('content-type', spec.contentType ?? 'application/json');
    const method = spec.method.toUpperCase();
    if ((method === 'POST' || method === 'PATCH') && spec.idempotencyKey !== false) {
      const key = spec.idempotencyKey ?? (this.policy.retries > 0 ? newIdempotencyKey() : undefined);
      if (key) h.set('idempotency-key', key);
    }
    for (const [k, v] of Object.entries(spec.headers ?? {})) h.set(k, v);
    return h;
  }

  async request<T = unknown>(spec: RequestSpec): Promise<ApiResponse<T>> {
    const method = spec.method.toUpperCase();
    const url = this.urlOf(spec.path, spec.query);
    const controller = new AbortController();
    const timeoutMs = spec.timeoutMs ?? this.options.timeoutMs;
    const deadline = timeoutMs ? Date.now() + timeoutMs : Number.POSITIVE_INFINITY;
    const timer = timeoutMs ? setTimeout(() => controller.abort(TIMED_OUT), timeoutMs) : undefined;
    const onAbort = () => controller.abort(spec.signal?.reason);
    if (spec.signal?.aborted) controller.abort(spec.signal.reason);
    else spec.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.attempts<T>(spec, method, url, controller.signal, deadline);
    } catch (e) {
      if (e instanceof VerboError || !controller.signal.aborted) throw e;
      const timedOut = controller.signal.reason === TIMED_OUT;
      throw new VerboError({
        status: 0,
        code: timedOut ? 'TIMEOUT' : 'ABORTED',
        method,
        url,
        message: timedOut
          ? `${method} ${url}: no answer within ${timeoutMs} ms`
          : `${method} ${url}: aborted`,
        cause: timedOut ? e : controller.signal.reason,
      });
    } finally {
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async attempts<T>(
    spec: RequestSpec,
    method: string,
    url: string,
    signal: AbortSignal,
    deadline: number,
  ): Promise<ApiResponse<T>> {
    const headers = await this.headersFor(spec);
    const safe = isRetrySafe(method, headers);
    const body = spec.raw ?? (spec.body === undefined ? undefined : JSON.stringify(spec.body));
    const doFetch = this.options.fetch ?? globalThis.fetch;
    for (let attempt = 0; ; attempt++) {
      const mayRetry = safe && attempt < this.policy.retries;
      let res: Response;
      let data: unknown;
      try {
        res = await doFetch(url, {
          method,
          headers,
          body,
          signal,
          credentials: this.options.credentials ?? 'same-origin',
          // A streamed body (an import): fetch sends it as it is read.
          ...(typeof body === 'object' ? { duplex: 'half' } : {}),
        } as RequestInit);
        this.jar.store(res.headers);
        data = await readBody(res, method, url);
      } catch (e) {
        if (signal.aborted || e instanceof VerboError) throw e;
        const error = new VerboError({
          status: 0,
          code: 'NETWORK_ERROR',
          method,
          url,
          message: `${method} ${url}: ${(e as Error)?.message ?? e}`,
          cause: e,
        });
        if (!mayRetry) throw error;
        await this.wait(backoffDelay(this.policy, attempt), deadline, signal, error);
        continue;
      }
      if (res.ok || res.status === 304)
        return { status: res.status, headers: res.headers, data: data as T, url: res.url || url };
      const error = httpError(method, url, res, data);
      if (!mayRetry || !isRetryableStatus(res.status, error.code, headers.has('idempotency-key')))
        throw error;
      const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
      if (retryAfter !== undefined && retryAfter > this.policy.maxRetryAfterMs) throw error;
      await this.wait(retryAfter ?? backoffDelay(this.policy, attempt), deadline, signal, error);
    }
  }

  /** A GET whose body is read as it arrives (a change stream): the Response once its status is 2xx. */
  async stream(spec: Omit<RequestSpec, 'method'>): Promise<Response> {
    const url = this.urlOf(spec.path, spec.query);
    const headers = await this.headersFor({ ...spec, method: 'GET' });
    let res: Response;
    try {
      res = await (this.options.fetch ?? globalThis.fetch)(url, {
        headers,
        signal: spec.signal,
        credentials: this.options.credentials ?? 'same-origin',
      });
    } catch (e) {
      if (spec.signal?.aborted) throw e;
      const message = `GET ${url}: ${(e as Error)?.message ?? e}`;
      throw new VerboError({ status: 0, code: 'NETWORK_ERROR', method: 'GET', url, message, cause: e });
    }
    this.jar.store(res.headers);
    if (res.ok && res.body) return res;
    throw httpError('GET', url, res, await readBody(res, 'GET', url));
  }

  /**
   * One call whose body is sent as it is (a file: Blob, stream, bytes) and whose answer is handed
   * back unread when 2xx (a download); no retries (a stream cannot be sent twice). Errors as VerboError.
   */
  async raw(spec: RequestSpec & { body?: BodyInit; accept?: string }): Promise<Response> {
    const method = spec.method.toUpperCase();
    const url = this.urlOf(spec.path, spec.query);
    const headers = await this.headersFor({ ...spec, idempotencyKey: false });
    headers.set('accept', spec.accept ?? '*/*');
    let res: Response;
    try {
      res = await (this.options.fetch ?? globalThis.fetch)(url, {
        method,
        headers,
        body: spec.body,
        signal: spec.signal,
        credentials: this.options.credentials ?? 'same-origin',
        // A ReadableStream body is sent as it is read (Node's fetch asks for this).
        ...(spec.body instanceof ReadableStream ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (e) {
      if (spec.signal?.aborted) throw e;
      const message = `${method} ${url}: ${(e as Error)?.message ?? e}`;
      throw new VerboError({ status: 0, code: 'NETWORK_ERROR', method, url, message, cause: e });
    }
    this.jar.store(res.headers);
    if (res.ok || res.status === 304) return res;
    throw httpError(method, url, res, await readBody(res, method, url));
  }

  /** Sleeps before a retry; throws `error` instead when the wait would pass the deadline. */
  private wait(ms: number, deadline: number, signal: AbortSignal, error: VerboError): Promise<void> {
    if (Date.now() + ms >= deadline) return Promise.reject(error);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(t);
        reject(signal.reason);
      };
      const t = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

async function readBody(res: Response, method: string, url: string): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  const type = res.headers.get('content-type') ?? '';
  if (!/[/+]json\b/i.test(type)) return res.ok ? text : undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    if (!res.ok) return undefined;
    throw new VerboError({
      status: res.status,
      code: 'INVALID_RESPONSE',
      method,
      url,
      headers: res.headers,
      message: `${method} ${url}: the response is not valid JSON`,
      cause: e,
    });
  }
}
