/** Filters from the model: each field offers the operators its list parameter declares (docs/query.md). */
import { useState } from 'preact/hooks';
import { operatorLabel, t } from './i18n.js';
import type { ResourceInfo } from './model.js';

export interface Filter {
  field: string;
  op: string;
  value: string;
}

export function FilterBuilder(props: {
  resource: ResourceInfo;
  filters: Filter[];
  onApply: (filters: Filter[]) => void;
}) {
  const fields = props.resource.fields.filter((f) => f.operators.length);
  const [rows, setRows] = useState<Filter[]>(props.filters);
  const set = (i: number, patch: Partial<Filter>) =>
    setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const add = () => {
    const f = fields[0];
    if (f) setRows([...rows, { field: f.name, op: f.operators[0], value: '' }]);
  };
  return (
    <form
      class="filters"
      aria-label={t('filters')}
      onSubmit={(e) => {
        e.preventDefault();
        props.onApply(rows);
      }}
    >
      {rows.map((row, i) => {
        const field = fields.find((f) => f.name === row.field) ?? fields[0];
        const id = `filter-${i}`;
        return (
          <fieldset key={i} class="filter-row">
            <legend class="visually-hidden">{`${t('filters')} ${i + 1}`}</legend>
            <label for={`${id}-field`} class="visually-hidden">
              {t('field')}
            </label>
            <select
              id={`${id}-field`}
              value={row.field}
              onChange={(e) => {
                const f = fields.find((x) => x.name === e.currentTarget.value)!;
                set(i, { field: f.name, op: f.operators.includes(row.op) ? row.op : f.operators[0] });
              }}
            >
              {fields.map((f) => (
                <option key={f.name} value={f.name}>
                  {f.name}
                </option>
              ))}
            </select>
            <label for={`${id}-op`} class="visually-hidden">
              {t('operator')}
            </label>
            <select id={`${id}-op`} value={row.op} onChange={(e) => set(i, { op: e.currentTarget.value })}>
              {field.operators.map((op) => (
                <option key={op} value={op}>
                  {operatorLabel(op)}
                </option>
              ))}
            </select>
            <label for={`${id}-value`} class="visually-hidden">
              {t('value')}
            </label>
            {row.op === 'null' || field.kind === 'boolean' ? (
              <select
                id={`${id}-value`}
                value={row.value}
                onChange={(e) => set(i, { value: e.currentTarget.value })}
              >
                <option value="" />
                <option value="true">{t('yes')}</option>
                <option value="false">{t('no')}</option>
              </select>
            ) : field.kind === 'enum' && !['in', 'nin', 'like', 'ilike'].includes(row.op) ? (
              <select
                id={`${id}-value`}
                value={row.value}
                onChange={(e) => set(i, { value: e.currentTarget.value })}
              >
                <option value="" />
                {field.values?.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={`${id}-value`}
                value={row.value}
                onInput={(e) => set(i, { value: e.currentTarget.value })}
                type={
                  (field.kind === 'date' && !['in', 'nin', 'like', 'ilike'].includes(row.op)
                    ? 'date'
                    : 'text') as 'text'
                }
              />
            )}
            <button
              type="button"
              class="icon"
              aria-label={t('removeFilter')}
              title={t('removeFilter')}
              onClick={() => setRows(rows.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </fieldset>
        );
      })}
      <div class="filter-actions">
        <button type="button" onClick={add}>
          {t('addFilter')}
        </button>
        <button type="submit" class="primary">
          {t('apply')}
        </button>
        {props.filters.length > 0 && (
          <button
            type="button"
            onClick={() => {
              setRows([]);
              props.onApply([]);
            }}
          >
            {t('clear')}
          </button>
        )}
      </div>
    </form>
  );
}

/** `field[op]=value` pairs of a list URL (the plain `field=value` for equals). */
export function filterParams(filters: Filter[]): [string, string][] {
  return filters
    .filter((f) => f.value !== '')
    .map((f) => [f.op === 'eq' ? f.field : `${f.field}[${f.op}]`, f.value]);
}
