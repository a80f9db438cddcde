/**
 * File fields (docs/files.md): a thumbnail and the name linked to the download in tables; in forms
 * the current file with a preview, a chooser to replace it and a button to remove it. The choice is
 * kept until Save, which sends it with the record (multipart) or removes it (DELETE /{r}/{id}/{field}).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { request } from './api.js';
import { t } from './i18n.js';
import type { FieldInfo } from './model.js';

export interface FileMeta {
  name: string;
  size: number;
  type: string;
  sha256: string;
  url: string;
}

/** What Save does with a file field: upload this file, or remove the current one (null). */
export type StagedFile = File | null;

export const fileMeta = (v: unknown): FileMeta | null =>
  v && typeof v === 'object' && typeof (v as FileMeta).url === 'string' ? (v as FileMeta) : null;

export function humanSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${u ? n.toFixed(n < 10 ? 1 : 0) : n} ${units[u]}`;
}

/** Pictures read lately (a table scrolled through many rows keeps only the last ones). */
const images = new Map<string, Promise<string>>();
const KEPT = 300;

const dataUrl = (blob: Blob) =>
  new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });

/**
 * The picture of an image file as a `data:` URL (the app's CSP allows no other image source but the
 * server, and a URL that stays the same across replacements would show the old picture): the
 * field's smallest thumbnail when it declares one, read once per content (sha256).
 */
function useImage(field: FieldInfo, meta: FileMeta | null): string | undefined {
  const [src, setSrc] = useState<string>();
  const thumb = field.file?.thumb;
  const key = meta && /^image\//.test(meta.type) ? `${meta.url}#${thumb ?? ''}#${meta.sha256}` : '';
  useEffect(() => {
    setSrc(undefined);
    if (!meta || !key) return;
    let wanted = images.get(key);
    if (!wanted) {
      const url = thumb ? `${meta.url}?thumb=${encodeURIComponent(thumb)}` : meta.url;
      wanted = request<Blob>('GET', url, { blob: true, headers: { accept: 'image/*' } }).then((r) =>
        dataUrl(r.body),
      );
      wanted.catch(() => images.delete(key));
      images.set(key, wanted);
      if (images.size > KEPT) images.delete(images.keys().next().value!);
    }
    let live = true;
    wanted.then((s) => live && setSrc(s)).catch(() => undefined);
    return () => {
      live = false;
    };
  }, [key]);
  return src;
}

/** A table cell: a small thumbnail and the file's name, linked to its download. */
export function FileCell({ field, value }: { field: FieldInfo; value: unknown }) {
  const meta = fileMeta(value);
  const src = useImage(field, meta);
  if (!meta) return null;
  return (
    <a class="file-cell" href={meta.url} download={meta.name} tabIndex={-1}>
      {src && <img class="file-thumb" src={src} alt="" width={28} height={28} />}
      {meta.name}
    </a>
  );
}

interface InputProps {
  common: Record<string, unknown> & { id: string };
  field: FieldInfo;
  current: unknown;
  staged: StagedFile | undefined;
  onStage: (v: StagedFile | undefined) => void;
  onLocalError: (message: string | undefined) => void;
  disabled: boolean;
}

/** The form control: the current file (preview, name, size), a chooser that replaces it, Remove. */
export function FileInput({ common, field, current, staged, onStage, onLocalError, disabled }: InputProps) {
  const meta = fileMeta(current);
  const stored = useImage(field, meta);
  const [chosen, setChosen] = useState<string>();
  const [broken, setBroken] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    setBroken(false);
    if (staged === undefined && input.current) input.current.value = '';
    setChosen(undefined);
    if (staged && /^image\//.test(staged.type)) dataUrl(staged).then(setChosen, () => undefined);
  }, [staged]);
  const src = staged === undefined ? stored : chosen;
  const max = field.file?.maxSize;
  const limits = [field.file?.accept, max !== undefined && t('atMost', { max: humanSize(max) })]
    .filter(Boolean)
    .join(' · ');
  const limitsId = limits ? `${common.id}-limits` : '';
  return (
    <div class="file-box">
      <div class="preview" data-testid={`preview-${field.name}`}>
        {src && !broken ? (
          <img
            src={src}
            alt={staged?.name ?? meta?.name ?? ''}
            width={100}
            height={100}
            onError={() => setBroken(true)}
          />
        ) : (
          <span aria-hidden="true">—</span>
        )}
      </div>
      <div class="file-info">
        {staged === undefined &&
          (meta ? (
            <p>
              <a href={meta.url} download={meta.name}>
                {meta.name}
              </a>{' '}
              <span class="muted">({humanSize(meta.size)})</span>
            </p>
          ) : (
            <p class="muted">{t('noFile')}</p>
          ))}
        {staged && <p>{t('fileWillUpload', { name: staged.name })}</p>}
        {staged === null && <p>{t('fileWillRemove')}</p>}
        <input
          {...common}
          ref={input}
          aria-describedby={[common['aria-describedby'], limitsId].filter(Boolean).join(' ') || undefined}
          type="file"
          accept={field.file?.accept}
          onChange={(e) => {
            const input = e.currentTarget;
            const file = input.files?.[0];
            if (!file) return;
            if (max !== undefined && file.size > max) {
              onLocalError(t('fileTooLarge', { max: humanSize(max) }));
              input.value = '';
              return;
            }
            onLocalError(undefined);
            onStage(file);
          }}
          disabled={disabled}
        />
        {limits && (
          <small id={limitsId} class="hint">
            {limits}
          </small>
        )}
        <div class="form-actions">
          {meta && staged === undefined && !disabled && (
            <button type="button" onClick={() => onStage(null)}>
              {t('removeFile', { field: field.name })}
            </button>
          )}
          {staged !== undefined && (
            <button
              type="button"
              onClick={() => {
                onStage(undefined);
                onLocalError(undefined);
              }}
            >
              {t('undo')}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
