/**
 * The requests of a form's Save (docs/admin.md): JSON, or `multipart/form-data` when files go with
 * the record (a part `record` with the JSON fields, one part per file, docs/files.md); a removed file
 * is a DELETE of its own URL. Each write carries the version it was made from (`If-Match`).
 */
import { request } from './api.js';
import type { StagedFile } from './file-field.js';
import type { Row } from './format.js';
import type { ResourceInfo } from './model.js';

type Staged = Record<string, StagedFile>;

function multipart(record: Record<string, unknown> | undefined, staged: Staged): FormData | undefined {
  const files = Object.entries(staged).filter((e): e is [string, File] => e[1] instanceof File);
  if (!files.length) return undefined;
  const form = new FormData();
  if (record) form.append('record', new Blob([JSON.stringify(record)], { type: 'application/json' }));
  for (const [name, file] of files) form.append(name, file, file.name);
  return form;
}

/** POST: the new record's id. */
export async function createRecord(r: ResourceInfo, body: Record<string, unknown>, staged: Staged) {
  const form = multipart(body, staged);
  const answer = await request<Row>('POST', r.path, {
    ...(form ? { raw: form } : { body }),
    headers: { prefer: 'return=representation' },
  });
  return String(answer.body?.id ?? answer.headers.get('location')?.split('/').pop());
}

/** PATCH (a merge patch of the changed fields, with the new files), then the removed files. */
export async function updateRecord(
  r: ResourceInfo,
  id: string,
  patch: Record<string, unknown>,
  staged: Staged,
  ifMatch: string | null,
): Promise<void> {
  const url = `${r.path}/${encodeURIComponent(id)}`;
  const precondition = (tag: string | null): Record<string, string> => (tag ? { 'if-match': tag } : {});
  const removed = Object.keys(staged).filter((name) => staged[name] === null);
  const form = multipart(Object.keys(patch).length ? patch : undefined, staged);
  let tag = ifMatch;
  if (form || Object.keys(patch).length || !removed.length) {
    const answer = await request('PATCH', url, {
      ...(form ? { raw: form } : { body: patch }),
      headers: {
        ...(form ? {} : { 'content-type': 'application/merge-patch+json' }),
        prefer: 'return=minimal',
        ...precondition(tag),
      },
    });
    tag = answer.headers.get('etag');
  }
  for (const [i, name] of removed.entries()) {
    await request('DELETE', `${url}/${encodeURIComponent(name)}`, { headers: precondition(tag) });
    // A file's DELETE answers 204 without an ETag: the next one needs the record's new version.
    if (i < removed.length - 1) tag = (await request('GET', url)).headers.get('etag');
  }
}
