/** Small helpers for the PATCH suites: create a CRM customer, send JSON Patch and merge patch documents. */
import { expect } from 'vitest';
import { customer, type Res, type TestServer } from './http-harness.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';

let counter = 0;

/** A fresh customer (unique email) with the given extra fields; returns the created record. */
export async function createCustomer(server: TestServer, extra: Record<string, unknown> = {}) {
  counter += 1;
  const res = await server.request('POST', '/customers', {
    body: customer(`p${process.pid}-${counter}`, extra),
  });
  expect(res.status, res.text).toBe(201);
  return res.json as Record<string, unknown> & { id: number };
}

/** PATCH with Content-Type application/json-patch+json (`ops` is sent as-is, valid or not). */
export function jsonPatch(
  server: TestServer,
  id: unknown,
  ops: unknown,
  headers: Record<string, string> = {},
): Promise<Res> {
  return server.request('PATCH', `/customers/${id}`, {
    body: ops,
    headers: { 'content-type': JSON_PATCH, ...headers },
  });
}

/** PATCH with a merge patch body; `type` is application/merge-patch+json unless told otherwise. */
export function mergePatch(
  server: TestServer,
  id: unknown,
  patch: unknown,
  type = MERGE_PATCH,
  headers: Record<string, string> = {},
): Promise<Res> {
  return server.request('PATCH', `/customers/${id}`, {
    body: patch,
    headers: { 'content-type': type, ...headers },
  });
}

/** PATCH with a raw body text (for bodies JSON.stringify cannot produce, like `__proto__` keys). */
export function rawPatch(server: TestServer, id: unknown, raw: string, type: string): Promise<Res> {
  return server.request('PATCH', `/customers/${id}`, { raw, headers: { 'content-type': type } });
}

/** The record as GET shows it now. */
export async function current(server: TestServer, id: unknown): Promise<Record<string, unknown>> {
  const res = await server.request('GET', `/customers/${id}`);
  expect(res.status, res.text).toBe(200);
  return res.json;
}

/** The `pointer` of every error in an envelope, sorted. */
export const pointersOf = (res: Res): string[] =>
  res.json.map((e: { pointer?: string }) => e.pointer ?? '').sort();
