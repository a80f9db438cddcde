/** One form control per field type, from the OpenAPI schema: enum → select, boolean → switch, … */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { FileInput, type StagedFile } from './file-field.js';
import { t } from './i18n.js';
import type { AppModel, FieldInfo } from './model.js';
import { ReferencePicker } from './reference-picker.js';

interface Props {
  model: AppModel;
  field: FieldInfo;
  value: unknown;
  onChange: (value: unknown) => void;
  /** A problem of the client's own (JSON that does not parse): blocks saving. */
  onLocalError: (message: string | undefined) => void;
  error?: string;
  disabled: boolean;
  /** A file field: the file chosen for Save (a File), its removal (null), or nothing yet. */
  staged?: StagedFile;
  onStage?: (v: StagedFile | undefined) => void;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** ISO instant → the `datetime-local` value in this browser's zone. */
function toLocalInput(v: unknown): string {
  if (typeof v !== 'string' || !v) return '';
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function FieldInput(props: Props) {
  const { model, field: f, value, onChange, onLocalError, error, disabled } = props;
  const id = `field-${f.name}`;
  const describedBy = [error ? `${id}-error` : '', f.description ? `${id}-hint` : '']
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    name: f.name,
    disabled,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy || undefined,
    'aria-required': f.required || undefined,
  };
  const text = (v: string) => onChange(v === '' ? null : v);
  let control: ComponentChildren;
  switch (f.kind) {
    case 'enum':
      control = (
        <select
          {...common}
          value={value == null ? '' : String(value)}
          onChange={(e) => text(e.currentTarget.value)}
        >
          <option value="">{t('none')}</option>
          {f.values?.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      );
      break;
    case 'boolean':
      control = (
        <input
          {...common}
          type="checkbox"
          role="switch"
          aria-checked={value === true}
          class="switch"
          checked={value === true}
          onChange={(e) => onChange(e.currentTarget.checked)}
        />
      );
      break;
    case 'date':
      control = (
        <input
          {...common}
          type="date"
          value={(value as string) ?? ''}
          onInput={(e) => text(e.currentTarget.value)}
        />
      );
      break;
    case 'datetime':
      control = (
        <input
          {...common}
          type="datetime-local"
          step={1}
          value={toLocalInput(value)}
          onInput={(e) => {
            const v = e.currentTarget.value;
            const d = new Date(v);
            onChange(v && !Number.isNaN(d.getTime()) ? d.toISOString() : null);
          }}
        />
      );
      break;
    case 'integer':
    case 'number':
      control = (
        <input
          {...common}
          type="number"
          inputMode={f.kind === 'integer' ? 'numeric' : 'decimal'}
          step={f.kind === 'integer' ? 1 : 'any'}
          min={f.minimum}
          max={f.maximum}
          value={value == null ? '' : String(value)}
          onInput={(e) => {
            const v = e.currentTarget.value;
            onChange(v === '' ? null : Number(v));
          }}
        />
      );
      break;
    case 'file':
      control = (
        <FileInput
          common={common}
          field={f}
          current={value}
          staged={props.staged}
          onStage={props.onStage ?? (() => undefined)}
          onLocalError={onLocalError}
          disabled={disabled}
        />
      );
      break;
    case 'json':
      control = <JsonEditor common={common} value={value} onChange={onChange} onLocalError={onLocalError} />;
      break;
    default:
      control = (
        <input
          {...common}
          type={(f.kind === 'email' ? 'email' : f.kind === 'url' ? 'url' : 'text') as 'text'}
          maxLength={f.maxLength}
          value={(value as string) ?? ''}
          onInput={(e) => text(e.currentTarget.value)}
        />
      );
  }
  if (f.references && model.byName.has(f.references)) {
    control = (
      <ReferencePicker
        common={common}
        target={model.byName.get(f.references)!}
        value={value}
        onChange={onChange}
      />
    );
  }
  return (
    <div class={`field k-${f.kind}${error ? ' invalid' : ''}`}>
      <label for={id}>
        {f.name}
        {f.required && <span class="req"> ({t('required')})</span>}
      </label>
      {control}
      {f.description && (
        <small id={`${id}-hint`} class="hint">
          {f.description}
        </small>
      )}
      {error && (
        <p id={`${id}-error`} class="field-error" data-testid={`error-${f.name}`}>
          {error}
        </p>
      )}
    </div>
  );
}

function JsonEditor(props: {
  common: Record<string, unknown>;
  value: unknown;
  onChange: (v: unknown) => void;
  onLocalError: (m: string | undefined) => void;
}) {
  const [text, setText] = useState(() => (props.value == null ? '' : JSON.stringify(props.value, null, 2)));
  return (
    <textarea
      {...props.common}
      rows={4}
      spellcheck={false}
      value={text}
      onInput={(e) => {
        const v = e.currentTarget.value;
        setText(v);
        if (v.trim() === '') {
          props.onLocalError(undefined);
          props.onChange(null);
          return;
        }
        try {
          props.onChange(JSON.parse(v));
          props.onLocalError(undefined);
        } catch {
          props.onLocalError(t('invalidJson'));
        }
      }}
    />
  );
}
