/** Starts an NDJSON import through `POST /{resource}/imports` and polls its job to the end (the job's body). */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { CRM_CONFIG, type TestServer } from './http-harness.js';

/** The CRM config with a business rule on customers: company "Test" is refused. */
export const CRM_WITH_RULE = readFileSync(CRM_CONFIG, 'utf8').replace(
  '    indexes: [[status, -createdAt]]',
  `    indexes: [[status, -createdAt]]
    rules:
      - name: no-test-company
        check: "!has(record.company) || record.company != 'Test'"
        message: { en: "Not a test company.", es: "No una empresa de prueba." }`,
);

export async function importNdjson(s: TestServer, resource: string, body: string, query = '') {
  const res = await s.request('POST', `/${resource}/imports${query}`, {
    raw: body,
    headers: { 'content-type': 'application/x-ndjson' },
  });
  expect(res.status, res.text).toBe(202);
  for (let i = 0; i < 800; i++) {
    const job = await s.request('GET', res.headers.get('location')!);
    if (!['queued', 'running'].includes(job.json.state)) return job.json;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the job did not finish');
}
