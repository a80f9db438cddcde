/** How a value shows in a table cell or a label. */
import { lang, t } from './i18n.js';
import type { FieldInfo } from './model.js';

export function formatValue(f: FieldInfo | undefined, v: unknown): string {
  if (v === null || v === undefined) return '';
  if (f?.kind === 'boolean') return v ? t('yes') : t('no');
  if (f?.kind === 'datetime' && typeof v === 'string') {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? v : d.toLocaleString(lang);
  }
  if (f?.kind === 'file' && typeof v === 'object') return String((v as { name?: unknown }).name ?? '');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export type Row = Record<string, unknown> & { id: string | number };
