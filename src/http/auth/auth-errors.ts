/** 401s always carry WWW-Authenticate (RFC 9110 §11.6.1; RFC 6750 for Bearer), and the 403 of CSRF. */
import { ApiError } from '../../errors/api-error.js';
import type { ErrorCode } from '../../errors/error-catalogue.js';
import { SESSION_COOKIE } from './cookies.js';

/** Bearer (RFC 6750) for programs, then the session cookie that POST /auth/login sets for browsers. */
export function challenge(error?: 'invalid_token' | 'invalid_request'): string {
  const bearer = error ? `Bearer realm="verbo", error="${error}"` : 'Bearer realm="verbo"';
  return `${bearer}, Cookie realm="verbo", cookie-name="${SESSION_COOKIE}"`;
}

export function unauthenticated(
  internalMessage: string,
  code: ErrorCode = 'UNAUTHENTICATED',
  error?: 'invalid_token' | 'invalid_request',
): ApiError {
  return ApiError.of(code, internalMessage, {}, { 'www-authenticate': challenge(error) });
}

export function crossSiteRefused(): ApiError {
  return ApiError.of(
    'CSRF_REJECTED',
    'a cookie-authenticated change from another origin (Origin / Sec-Fetch-Site) is refused; use the API from the same origin or with a Bearer token',
  );
}
