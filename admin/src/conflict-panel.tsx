/**
 * The server's version of a record that changed while it was open: a 412 answer shows it beside the
 * one being edited (reload or overwrite); a change seen on the record's stream offers to show it.
 */
import { formatValue, type Row } from './format.js';
import { t } from './i18n.js';
import type { ResourceInfo } from './model.js';

export interface Conflict {
  server: Row;
  etag: string;
}

export const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function ConflictPanel(props: {
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

/** A change another client made, seen on the record's change stream (docs/realtime.md). */
export function RemoteChange(props: { change: 'changed' | 'deleted'; onShow: () => void }) {
  return (
    <div class="banner info" role="status" data-testid="remote-change">
      <p>{t(props.change === 'changed' ? 'liveChanged' : 'liveDeleted')}</p>
      {props.change === 'changed' && (
        <button type="button" onClick={props.onShow}>
          {t('showLatest')}
        </button>
      )}
    </div>
  );
}
