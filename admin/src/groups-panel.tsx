/**
 * Aggregates (docs/aggregates.md) of the list as it is filtered and searched: group by a field (a
 * date or datetime by month), with each group's record count and the sum of every number field,
 * from `GET /{r}?groupBy=…&aggregate=count(),sum(…)&sort=-count`. The server applies the caller's
 * access rules to the rows it groups, as it does to the list.
 */
import { useEffect, useState } from 'preact/hooks';
import { type ApiFailure, request } from './api.js';
import { formatValue, type Row } from './format.js';
import { t } from './i18n.js';
import type { FieldInfo, ResourceInfo } from './model.js';

/** The most groups shown (the largest first). */
const GROUPS = 50;

const groupable = (f: FieldInfo) => f.kind !== 'json' && f.kind !== 'file' && f.name !== 'id';
const summable = (f: FieldInfo) =>
  (f.kind === 'number' || f.kind === 'integer') && f.name !== 'id' && !f.references;
const isDate = (f: FieldInfo) => f.kind === 'date' || f.kind === 'datetime';

export function GroupsPanel(props: {
  resource: ResourceInfo;
  /** The list's filter and search parameters (no sort: groups sort by their count). */
  params: [string, string][];
  onFailure: (e: ApiFailure) => void;
}) {
  const { resource } = props;
  const [field, setField] = useState('');
  const [groups, setGroups] = useState<Row[] | null>(null);
  const chosen = resource.fields.find((f) => f.name === field);
  const sums = resource.fields.filter(summable);
  const query = JSON.stringify(props.params);

  useEffect(() => {
    if (!chosen) {
      setGroups(null);
      return;
    }
    let current = true;
    const q = new URLSearchParams(props.params);
    q.set('groupBy', isDate(chosen) ? `${chosen.name}:month` : chosen.name);
    q.set('aggregate', ['count()', ...sums.map((f) => `sum(${f.name})`)].join(','));
    q.set('sort', '-count');
    q.set('limit', String(GROUPS));
    request<Row[]>('GET', `${resource.path}?${q}`)
      .then((r) => current && setGroups(r.body))
      .catch((e: ApiFailure) => current && props.onFailure(e));
    return () => {
      current = false;
    };
  }, [field, query]);

  return (
    <details class="groups">
      <summary>{t('groupBy')}</summary>
      <label>
        {t('groupBy')}{' '}
        <select value={field} onChange={(e) => setField(e.currentTarget.value)}>
          <option value="">{t('groupNone')}</option>
          {resource.fields.filter(groupable).map((f) => (
            <option key={f.name} value={f.name}>
              {f.name}
            </option>
          ))}
        </select>
      </label>
      {chosen && groups && (
        <table class="groups-table">
          <thead>
            <tr>
              <th scope="col">{chosen.name}</th>
              <th scope="col">{t('groupCount')}</th>
              {sums.map((f) => (
                <th key={f.name} scope="col">
                  {t('groupSum', { field: f.name })}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={String(g[chosen.name])}>
                <td>{g[chosen.name] == null ? t('groupEmpty') : formatValue(chosen, g[chosen.name])}</td>
                <td>{String(g.count)}</td>
                {sums.map((f) => (
                  <td key={f.name}>{g[`sum_${f.name}`] == null ? '' : String(g[`sum_${f.name}`])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
