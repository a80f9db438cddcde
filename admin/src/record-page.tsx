/**
 * Create or edit one record: POST; PATCH (merge patch) with If-Match; DELETE with confirmation.
 * Envelope problems with a `pointer` go under their field, the rest in a banner (docs/errors.md);
 * a 412 shows the server's version and offers reload or overwrite (docs/http-semantics.md).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiFailure, type ApiProblem, request } from './api.js';
import { Banner, Notice } from './banner.js';
import { FieldInput } from './field-input.js';
import { formatValue, type Row } from './format.js';
import { t } from './i18n.js';
import type { Action, AppModel, ResourceInfo } from './model.js';
import { go, href } from './router.js';

interface Props {
  model: AppModel;
  resource: ResourceInfo;
  id: string;
  may: (a: Action) => boolean;
}

interface Conflict {
  server: Row;
  etag: string;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function RecordPage({ model, resource, id, may }: Props) {
  const creating = id === 'new';
  const [original, setOriginal] = useState<Row | null>(null);
  const [etag, setEtag] = useState<string | null>(null);
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [problems, setProblems] = useState<ApiProblem[]>([]);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState('');
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const editable = resource.fields.filter((f) => !f.readOnly);
  const mayWrite = creating ? may('create') : may('update');

  const show = (row: Row, tag: string | null) => {
    setOriginal(row);
    setEtag(tag);
    setValues(Object.fromEntries(editable.map((f) => [f.name, row[f.name] ?? null])));
  };

  const fetchRecord = async () => {
    const r = await request<Row>('GET', `${resource.path}/${encodeURIComponent(id)}`);
    return { row: r.body, etag: r.headers.get('etag') };
  };

  useEffect(() => {
    if (creating) return;
    fetchRecord()
      .then((r) => show(r.row, r.etag))
      .catch((e) => setProblems((e as ApiFailure).problems));
  }, []);

  const fieldErrors: Record<string, string[]> = {};
  const general: ApiProblem[] = [];
  for (const p of problems) {
    const name = p.pointer?.split('/')[1];
    if (!name || !editable.some((f) => f.name === name)) general.push(p);
    else fieldErrors[name] = [...(fieldErrors[name] ?? []), p.userMessage ?? p.code];
  }

  const changed = () =>
    Object.fromEntries(
      editable.filter((f) => !same(values[f.name], original?.[f.name])).map((f) => [f.name, values[f.name]]),
    );

  const save = async (ifMatch: string | null) => {
    setBusy(true);
    setNotice('');
    try {
      if (creating) {
        const body = Object.fromEntries(
          Object.entries(values).filter(([, v]) => v !== null && v !== undefined),
        );
        const r = await request<Row>('POST', resource.path, {
          body,
          headers: { prefer: 'return=representation' },
        });
        const newId = r.body?.id ?? r.headers.get('location')?.split('/').pop();
        setProblems([]);
        go(href(resource.name, String(newId)));
        return;
      }
      const r = await request<Row>('PATCH', `${resource.path}/${encodeURIComponent(id)}`, {
        body: changed(),
        headers: {
          'content-type': 'application/merge-patch+json',
          prefer: 'return=representation',
          ...(ifMatch ? { 'if-match': ifMatch } : {}),
        },
      });
      setProblems([]);
      setConflict(null);
      if (r.body && typeof r.body === 'object') show(r.body, r.headers.get('etag'));
      else {
        const fresh = await fetchRecord();
        show(fresh.row, fresh.etag);
      }
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
    }
  };

  const remove = async () => {
    dialog.current?.close();
    try {
      await request('DELETE', `${resource.path}/${encodeURIComponent(id)}`, {
        headers: etag ? { 'if-match': etag } : {},
      });
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
  return (
    <section class="record-page" aria-labelledby="record-title">
      <p>
        <a href={href(resource.name)}>← {resource.name}</a>
      </p>
      <h1 id="record-title">{title}</h1>
      {!mayWrite && <Notice text={t('readOnly')} />}
      {notice && <Notice text={notice} />}
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
        {editable.map((f) => (
          <FieldInput
            // A new version (saved, reloaded) remounts the controls: editors keeping their own text start over.
            key={`${f.name}:${etag ?? ''}`}
            model={model}
            field={f}
            value={values[f.name]}
            disabled={!mayWrite || busy}
            error={localErrors[f.name] ?? fieldErrors[f.name]?.join(' ')}
            onLocalError={(m) => setLocalErrors((old) => ({ ...old, [f.name]: m ?? '' }))}
            onChange={(v) => setValues((old) => ({ ...old, [f.name]: v }))}
          />
        ))}
        {!creating && original && (
          <dl class="system">
            {resource.fields
              .filter((f) => f.readOnly)
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

function ConflictPanel(props: {
  resource: ResourceInfo;
  mine: Row | null;
  conflict: Conflict;
  onReload: () => void;
  onOverwrite: () => void;
}) {
  const { server } = props.conflict;
  const diffs = props.resource.fields.filter((f) => !same(server[f.name], props.mine?.[f.name]));
  return (
    <div class="banner conflict" role="alert" data-testid="conflict">
      <h2>{t('conflictTitle')}</h2>
      <p>{t('conflictText')}</p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('field')}</th>
            <th scope="col">{t('value')}</th>
          </tr>
        </thead>
        <tbody>
          {diffs.map((f) => (
            <tr key={f.name}>
              <th scope="row">{f.name}</th>
              <td>{formatValue(f, server[f.name])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="form-actions">
        <button type="button" onClick={props.onReload}>
          {t('reload')}
        </button>
        <button type="button" class="primary" onClick={props.onOverwrite}>
          {t('overwrite')}
        </button>
      </div>
    </div>
  );
}
