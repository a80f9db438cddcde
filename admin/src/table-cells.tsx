/**
 * A table's cells: a reference shows its record's label (embedded with the page) and links to it,
 * the id links to its record, a file shows its thumbnail and name, a to-many relation its count
 * linking to the filtered child list; the rest as formatted text.
 */
import { FileCell } from './file-field.js';
import { formatValue, type Row } from './format.js';
import type { AppModel, FieldInfo, Relation, ResourceInfo } from './model.js';
import { href } from './router.js';

export function Cell(props: { model: AppModel; resource: ResourceInfo; field: FieldInfo; row: Row }) {
  const { model, resource, field: f, row } = props;
  const v = row[f.name];
  const rel = f.references
    ? resource.relations.find((r) => r.kind === 'to-one' && r.field === f.name)
    : undefined;
  const target = rel && (row[rel.name] as Row | null | undefined);
  const label = target && model.byName.get(rel.resource)?.labelField;
  return (
    <td class={f.references ? 'k-reference' : `k-${f.kind}`}>
      {f.references && v !== null && v !== undefined ? (
        <a href={href(f.references, String(v))} tabIndex={-1}>
          {label && target[label] != null
            ? `${String(target[label])} (#${String(v)})`
            : `${f.references} ${String(v)}`}
        </a>
      ) : f.kind === 'file' ? (
        <FileCell field={f} value={v} />
      ) : f.name === 'id' ? (
        <a href={href(resource.name, String(v))} tabIndex={-1}>
          {String(v)}
        </a>
      ) : (
        formatValue(f, v)
      )}
    </td>
  );
}

export function CountCell({ relation: rel, row }: { relation: Relation; row: Row }) {
  const related = row[rel.name];
  const n = Array.isArray(related) ? ` (${related.length})` : '';
  return (
    <td class="k-count">
      <a href={href(rel.resource, undefined, { [rel.field]: String(row.id) })} tabIndex={-1}>
        {rel.name}
        {n} →
      </a>
    </td>
  );
}
