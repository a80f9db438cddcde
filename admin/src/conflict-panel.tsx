/** A 412 answer: the server's version of the record beside the one being edited; reload or overwrite. */
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
