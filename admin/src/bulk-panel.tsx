/**
 * Bulk data (docs/bulk.md): Export downloads the list as it is filtered and sorted (the same GET with
 * `Accept: text/csv` or `application/x-ndjson`); Import sends a file to `POST /{r}/imports` and
 * follows the job (`GET /jobs/{id}`, as `Retry-After` says) with a progress bar, then its result.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiFailure, type ApiProblem, request } from './api.js';
import { Banner } from './banner.js';
import { t } from './i18n.js';
import type { ResourceInfo } from './model.js';

const FORMATS = [
  { label: 'CSV', accept: 'text/csv', ext: 'csv' },
  { label: 'NDJSON', accept: 'application/x-ndjson', ext: 'ndjson' },
];

export function ExportButtons(props: {
  resource: ResourceInfo;
  url: string;
  onFailure: (e: ApiFailure) => void;
}) {
  const [busy, setBusy] = useState(false);
  const download = async (format: (typeof FORMATS)[number]) => {
    setBusy(true);
    try {
      const r = await request<Blob>('GET', props.url, { headers: { accept: format.accept }, blob: true });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(r.body);
      link.download = `${props.resource.name}.${format.ext}`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } catch (e) {
      props.onFailure(e as ApiFailure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {FORMATS.map((f) => (
        <button key={f.ext} type="button" disabled={busy} onClick={() => download(f)}>
          {t('exportAs', { format: f.label })}
        </button>
      ))}
    </>
  );
}

interface Job {
  id: string;
  state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: { done: number; total: number | null };
  result: null | {
    created: number;
    updated: number;
    skipped: number;
    failed: number;
    errors: ApiProblem[];
    moreErrors: number;
  };
}

/** The body's media type, from the file's name (browsers know no NDJSON type). */
const mediaTypeOf = (file: File) =>
  /\.csv$/i.test(file.name)
    ? 'text/csv'
    : /\.(ndjson|jsonl)$/i.test(file.name)
      ? 'application/x-ndjson'
      : /\.json$/i.test(file.name)
        ? 'application/json'
        : file.type || 'application/octet-stream';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function ImportButton(props: { resource: ResourceInfo; onFinished: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState('all-or-nothing');
  const [job, setJob] = useState<Job | null>(null);
  const [jobUrl, setJobUrl] = useState('');
  const [problems, setProblems] = useState<ApiProblem[]>([]);
  const open = useRef(true);
  useEffect(
    () => () => {
      open.current = false;
    },
    [],
  );
  const running = job?.state === 'queued' || job?.state === 'running';

  const start = async () => {
    if (!file || !props.resource.imports) return;
    setProblems([]);
    setJob(null);
    try {
      const url = `${props.resource.imports.path}?${new URLSearchParams({ mode })}`;
      let r = await request<Job>('POST', url, { raw: file, headers: { 'content-type': mediaTypeOf(file) } });
      const at = new URL(r.headers.get('location') ?? '', new URL(url, location.href)).href;
      setJobUrl(at);
      setJob(r.body);
      while (open.current && ['queued', 'running'].includes(r.body.state)) {
        await sleep(Math.min(5, Number(r.headers.get('retry-after')) || 1) * 1000);
        r = await request<Job>('GET', at);
        if (open.current) setJob(r.body);
      }
      props.onFinished();
    } catch (e) {
      setProblems((e as ApiFailure).problems);
    }
  };
  const cancel = () =>
    request<Job>('DELETE', jobUrl)
      .then((r) => setJob(r.body))
      .catch((e) => setProblems((e as ApiFailure).problems));

  const result = job?.result;
  return (
    <>
      <button type="button" onClick={() => dialog.current?.showModal()}>
        {t('import')}
      </button>
      <dialog ref={dialog} aria-labelledby="import-title" class="card import">
        <h2 id="import-title" class="dialog-title">
          {t('importTitle', { resource: props.resource.name })}
        </h2>
        <div class="field">
          <label for="import-file">{t('importFile')}</label>
          <input
            id="import-file"
            type="file"
            accept=".csv,.ndjson,.jsonl,.json,text/csv,application/x-ndjson,application/json"
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
          />
        </div>
        <div class="field">
          <label for="import-mode">{t('importMode')}</label>
          <select id="import-mode" value={mode} onChange={(e) => setMode(e.currentTarget.value)}>
            <option value="all-or-nothing">{t('modeAll')}</option>
            <option value="valid-rows">{t('modeValid')}</option>
          </select>
        </div>
        <Banner problems={problems} />
        {job && (
          <div class="job" data-testid="job">
            <p role="status">
              {t(`job_${job.state}` as const)} ·{' '}
              {t('progress', { done: job.progress.done, total: job.progress.total ?? '?' })}
            </p>
            <progress
              aria-label={t('progressLabel')}
              value={job.progress.done}
              max={job.progress.total ?? undefined}
            />
            {result && (
              <>
                <p data-testid="job-result">
                  {t('importResult', {
                    created: result.created,
                    updated: result.updated,
                    skipped: result.skipped,
                    failed: result.failed,
                  })}
                </p>
                {result.errors.length > 0 && (
                  <ul class="job-errors">
                    {result.errors.map((p, i) => {
                      const [, row, field] = p.pointer?.split('/').slice(1) ?? [];
                      return (
                        <li key={i}>
                          {row ? `${t('rowProblem', { row })}${field ? ` · ${field}` : ''}: ` : ''}
                          {p.userMessage ?? p.code}
                        </li>
                      );
                    })}
                    {result.moreErrors > 0 && <li>{t('moreErrors', { n: result.moreErrors })}</li>}
                  </ul>
                )}
              </>
            )}
          </div>
        )}
        <div class="form-actions">
          <button type="button" class="primary" disabled={!file || running} onClick={start}>
            {t('startImport')}
          </button>
          {running && (
            <button type="button" class="danger" onClick={cancel}>
              {t('cancelImport')}
            </button>
          )}
          <button type="button" onClick={() => dialog.current?.close()}>
            {t('close')}
          </button>
        </div>
      </dialog>
    </>
  );
}
