/**
 * SQL expressions a dialect builds for a resource and a list of its fields (a record's JSON text,
 * its CSV line), built once each: a list or an export keeps asking for the same few shapes.
 */
import type { ResourceDef } from '../../model/model-types.js';
import type { SqlDialect } from './sql-dialect.js';

type Build = (d: SqlDialect, r: ResourceDef, fields: readonly string[]) => string | undefined;

/** `build`, remembered per dialect, resource and field list (at most `maxShapes` lists a resource). */
export function cachedExpression(build: Build, maxShapes: number): Build {
  const built = new WeakMap<SqlDialect, WeakMap<ResourceDef, Map<string, string | undefined>>>();
  return (d, r, fields) => {
    let byResource = built.get(d);
    if (!byResource) {
      byResource = new WeakMap();
      built.set(d, byResource);
    }
    let shapes = byResource.get(r);
    if (!shapes) {
      shapes = new Map();
      byResource.set(r, shapes);
    }
    const key = fields.join(',');
    if (shapes.has(key)) return shapes.get(key);
    const expression = build(d, r, fields);
    if (shapes.size >= maxShapes) shapes.clear();
    shapes.set(key, expression);
    return expression;
  };
}
