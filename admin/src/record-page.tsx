/**
 * Create or edit one record: POST; PATCH (merge patch) with If-Match; DELETE with confirmation.
 * Envelope problems with a `pointer` go under their field, the rest in a banner (docs/errors.md);
 * a 412 shows the server's version and offers reload or overwrite (docs/http-semantics.md); a
 * change made elsewhere shows as it happens (the record's change stream, docs/realtime.md).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiFailure, type ApiProblem, request } from './api.js';
import { Banner, Notice } from './banner.js';
import { type Conflict, ConflictPanel, RemoteChange, same } from './conflict-panel.js';
import { FieldInput } from './field-input.js';
import type { StagedFile } from './file-field.js';
import { formatValue, type Row } from './format.js';
import { t } from './i18n.js';
import { useLive } from './live.js';
import type { Action, AppModel, ResourceInfo } from './model.js';
import { createRecord, updateRecord } from './record-save.js';
import { go, href } from './router.js';

interface Props {
  model: AppModel;
  resource: ResourceInfo;
  id: string;
  may: (a: Action) => boolean;
}

export function RecordPage({ model, resource, id, may }: Props) {
  const creating = id === 'new';
  const [original, setOriginal] = useState<Row | null>(null);
  const [etag, setEtag] = useState<string | null>(null);
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [staged, setStaged] = useState<Record<string, StagedFile>>({});
  const [problems, setProblems] = useState<ApiProblem[]>([]);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState('');
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [remote, setRemote] = useState<'changed' | 'deleted' | null>(null);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  // The live stream's view of the form: what it shows now, whether a save is under way, and a change
  // that arrived meanwhile (perhaps this save's own, known once the save answers).
  const shown = useRef<Row | null>(null);
  const saving = useRef(false);
  const arrived = useRef<Row | null>(null);
  const editable = resource.fields.filter((f) => !f.readOnly);
  const files = resource.fields.filter((f) => f.kind === 'file' && f.file);
  const mayWrite = creating ? may('create') : may('update');
  const url = `${resource.path}/${encodeURIComponent(id)}`;

  const show = (row: Row, tag: string | null) => {
    shown.current = row;
    setOriginal(row);
    setEtag(tag);
    setValues(Object.fromEntries(editable.map((f) => [f.name, row[f.name] ?? null])));
    setStaged({});
    setRemote(null);
  };

  const fetchRecord = async () => {
    const r = await request<Row>('GET', url);
    return { row: r.body, etag: r.headers.get('etag') };
  };
  const reload = () =>
    fetchRecord()
      .then((r) => show(r.row, r.etag))
      .catch((e) => setProblems((e as ApiFailure).problems));

  useEffect(() => {
    if (!creating) reload();
  }, []);

  const newer = (row: Row) => !same(row.updatedAt, shown.current?.updatedAt);
  const live = useLive(resource.live && !creating ? url : undefined, {
    updated: (row) => {
      if (saving.current) arrived.current = row;
      else if (newer(row)) setRemote('changed');
    },
    deleted: () => setRemote('deleted'),
  });

  const fieldErrors: Record<string, string[]> = {};
  const general: ApiProblem[] = [];
  for (const p of problems) {
    const name = p.pointer?.split('/')[1];
    if (!name || ![...editable, ...files].some((f) => f.name === name)) general.push(p);
    else fieldErrors[name] = [...(fieldErrors[name] ?? []), p.userMessage ?? p.code];
  }

  const changed = () =>
    Object.fromEntries(
      editable.filter((f) => !same(values[f.name], original?.[f.name])).map((f) => [f.name, values[f.name]]),
    );

  const save = async (ifMatch: string | null) => {
    setBusy(true);
    saving.current = true;
    setNotice('');
    try {
      if (creating) {
        const body = Object.fromEntries(
          Object.entries(values).filter(([, v]) => v !== null && v !== undefined),
        );
        const newId = await createRecord(resource, body, staged);
        setProblems([]);
        go(href(resource.name, newId));
        return;
      }
      await updateRecord(resource, id, changed(), staged, ifMatch);
      const fresh = await fetchRecord();
      setProblems([]);
      setConflict(null);
      show(fresh.row, fresh.etag);
      setNotice(t('saved'));
    } catch (e) {
      const failure = e as ApiFailure;
      if (failure.status === 412) {
        const fresh = await fetchRecord().catch(() => null);
        if (fresh) setConflict({ server: fresh.row, etag: fresh.etag ?? '' });
        setProblems(fresh ? [] : failure.problems);
      } else setProblems(failure.problems);
    } finally {
      setBusy(false);
      saving.current = false;
      const row = arrived.current;
      arrived.current = null;
      if (row && newer(row)) setRemote('changed');
    }
  };

  const remove = async () => {
    dialog.current?.close();
    try {
      await request('DELETE', url, { headers: etag ? { 'if-match': etag } : {} });
      go(href(resource.name));
    } catch (e) {
      setProblems((e as ApiFailure).problems);
    }
  };

  const blocked = Object.values(localErrors).some(Boolean);
  const title = creating ? t('newRecord', { resource: resource.name }) : `${resource.name} ${id}`;
  if (!creating && !original)
    return (
      <section>
        <h1>{title}</h1>
        {problems.length ? <Banner problems={problems} /> : <p>{t('loading')}</p>}
        <a href={href(resource.name)}>← {resource.name}</a>
      </section>
    );
  const control = (f: (typeof resource.fields)[number]) => (
    <FieldInput
      // A new version (saved, reloaded) remounts the controls: editors keeping their own text start over.
      key={`${f.name}:${etag ?? ''}`}
      model={model}
      field={f}
      value={f.kind === 'file' ? original?.[f.name] : values[f.name]}
      disabled={!mayWrite || busy || (f.kind === 'file' && !f.file?.upload)}
      error={localErrors[f.name] || fieldErrors[f.name]?.join(' ')}
      onLocalError={(m) => setLocalErrors((old) => ({ ...old, [f.name]: m ?? '' }))}
      onChange={(v) => setValues((old) => ({ ...old, [f.name]: v }))}
      staged={staged[f.name]}
      onStage={(v) =>
        setStaged(({ [f.name]: _, ...rest }) => (v === undefined ? rest : { ...rest, [f.name]: v }))
      }
    />
  );
  return (
    <section class="record-page" aria-labelledby="record-title" data-live={live ? 'on' : undefined}>
      <p>
        <a href={href(resource.name)}>← {resource.name}</a>
      </p>
      <h1 id="record-title">{title}</h1>
      {!mayWrite && <Notice text={t('readOnly')} />}
      {notice && <Notice text={notice} />}
      {remote && !conflict && <RemoteChange change={remote} onShow={reload} />}
      <Banner problems={general} />
      {conflict && (
        <ConflictPanel
          resource={resource}
          mine={original}
          conflict={conflict}
          onReload={() => {
            show(conflict.server, conflict.etag);
            setConflict(null);
          }}
          onOverwrite={() => save(conflict.etag)}
        />
      )}
      <form
        class="record-form card"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!blocked) save(etag);
        }}
      >
        {editable.map(control)}
        {files.map(control)}
        {!creating && original && (
          <dl class="system">
            {resource.fields
              .filter((f) => f.readOnly && f.kind !== 'file')
              .map((f) => (
                <div key={f.name}>
                  <dt>{f.name}</dt>
                  <dd>{formatValue(f, original[f.name])}</dd>
                </div>
              ))}
          </dl>
        )}
        <div class="form-actions">
          {mayWrite && (
            <button type="submit" class="primary" disabled={busy || blocked}>
              {creating ? t('create') : t('save')}
            </button>
          )}
          <a class="button" href={href(resource.name)}>
            {t('cancel')}
          </a>
          {!creating && may('delete') && (
            <button type="button" class="danger" onClick={() => dialog.current?.showModal()}>
              {t('delete')}
            </button>
          )}
        </div>
      </form>
      <dialog ref={dialog} aria-labelledby="confirm-title" class="card">
        <p id="confirm-title">{t('confirmDelete', { resource: resource.name, id })}</p>
        <div class="form-actions">
          <button type="button" class="danger" onClick={remove}>
            {t('delete')}
          </button>
          <button type="button" autofocus onClick={() => dialog.current?.close()}>
            {t('cancel')}
          </button>
        </div>
      </dialog>
    </section>
  );
}
