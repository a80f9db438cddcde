/** A reference field: search the target resource by its label field, pick a record by its label. */
import { useEffect, useState } from 'preact/hooks';
import { request } from './api.js';
import type { Row } from './format.js';
import { t } from './i18n.js';
import type { ResourceInfo } from './model.js';

interface Props {
  common: Record<string, unknown> & { id: string };
  target: ResourceInfo;
  value: unknown;
  onChange: (v: unknown) => void;
}

export function ReferencePicker({ common, target, value, onChange }: Props) {
  const [query, setQuery] = useState('');
  const [options, setOptions] = useState<Row[]>([]);
  const [current, setCurrent] = useState<Row | null>(null);
  const label = target.labelField;
  const searchable = label && target.fields.find((f) => f.name === label)?.operators.includes('ilike');
  const integerIds = target.fields.find((f) => f.name === 'id')?.kind === 'integer';

  useEffect(() => {
    const timer = setTimeout(() => {
      const q = new URLSearchParams({ limit: '50' });
      if (label) q.set('sort', label);
      if (query && searchable) q.set(`${label}[ilike]`, `*${query}*`);
      request<Row[]>('GET', `${target.path}?${q}`)
        .then((r) => setOptions(r.body))
        .catch(() => setOptions([]));
    }, 200);
    return () => clearTimeout(timer);
  }, [query, target]);

  useEffect(() => {
    if (value == null || value === '') return setCurrent(null);
    request<Row>('GET', `${target.path}/${encodeURIComponent(String(value))}`)
      .then((r) => setCurrent(r.body))
      .catch(() => setCurrent(null));
  }, [value, target]);

  const text = (r: Row) => (label && r[label] != null ? `${String(r[label])} (#${r.id})` : `#${r.id}`);
  const all =
    current && !options.some((o) => String(o.id) === String(current.id)) ? [current, ...options] : options;
  return (
    <div class="picker">
      {searchable && (
        <input
          type="search"
          id={`${common.id}-search`}
          aria-label={`${t('search')}: ${target.name}`}
          placeholder={t('search')}
          value={query}
          disabled={common.disabled as boolean}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
      )}
      <select
        {...common}
        value={value == null ? '' : String(value)}
        onChange={(e) => {
          const v = e.currentTarget.value;
          onChange(v === '' ? null : integerIds && /^\d+$/.test(v) ? Number(v) : v);
        }}
      >
        <option value="">{t('pick', { resource: target.name })}</option>
        {all.map((r) => (
          <option key={String(r.id)} value={String(r.id)}>
            {text(r)}
          </option>
        ))}
        {value != null && value !== '' && !all.some((r) => String(r.id) === String(value)) && (
          <option value={String(value)}>#{String(value)}</option>
        )}
      </select>
    </div>
  );
}
