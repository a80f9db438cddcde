/** The API representation of one record (GET, lists, embeds and the bodies of writes). */
import type { ResourceDef } from '../../model/model-types.js';
import type { Row } from '../../store/store.js';

/** Every field in model order, optionally narrowed to `fields` (in the order asked). */
export function toOutput(r: ResourceDef, row: Row, fields?: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (fields) {
    for (const name of fields) out[name] = row[name] ?? null;
    return out;
  }
  for (const name of r.allFields.keys()) out[name] = row[name] ?? null;
  return out;
}
