/**
 * SQL a dialect builds for a resource and a shape of a statement (a list of fields, the embeds of a
 * page), built once each: requests keep asking for the same few shapes. At most `maxShapes` shapes
 * are kept per dialect and resource; past that the resource's shapes start over.
 */
import type { ResourceDef } from '../../model/model-types.js';
import type { SqlDialect } from './sql-dialect.js';

/** `get(d, r, key, build)`: what `build()` made for that dialect, resource and key, built at most once. */
export function shapeCache<T>(maxShapes: number) {
  const built = new WeakMap<SqlDialect, WeakMap<ResourceDef, Map<string, T>>>();
  return (d: SqlDialect, r: ResourceDef, key: string, build: () => T): T => {
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
    if (shapes.has(key)) return shapes.get(key) as T;
    const value = build();
    if (shapes.size >= maxShapes) shapes.clear();
    shapes.set(key, value);
    return value;
  };
}

type Build = (d: SqlDialect, r: ResourceDef, fields: readonly string[]) => string | undefined;

/** `build`, remembered per dialect, resource and field list (a record's JSON text, its CSV line). */
export function cachedExpression(build: Build, maxShapes: number): Build {
  const cache = shapeCache<string | undefined>(maxShapes);
  return (d, r, fields) => cache(d, r, fields.join(','), () => build(d, r, fields));
}
