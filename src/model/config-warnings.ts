/**
 * What `verbo check` warns about in a valid config: it builds and serves, but cannot do what it seems
 * to promise (docs/config.md, "Warnings").
 */
import type { LoadedConfig } from './config-loader.js';
import type { ConfigProblem } from './config-problem.js';
import type { Model, ResourceDef } from './model-types.js';
import { QUERY_PARAMETERS } from './query-parameters.js';

export function configWarnings(model: Model, loaded: LoadedConfig): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const warn = (path: (string | number)[], message: string) =>
    out.push({ file: loaded.file, path, line: loaded.lineOf(path), message });
  const reserved: readonly string[] = QUERY_PARAMETERS;
  for (const r of model.resources)
    for (const f of r.fields)
      if (reserved.includes(f.name))
        warn(
          ['resources', r.name, 'fields', f.name],
          `\`${f.name}\` is also a query parameter (${reserved.join(', ')}): ?${f.name}=… does not filter by this field; rename it to filter by it`,
        );
  for (const cycle of requiredCycles(model.resources)) {
    const [first] = cycle;
    const path = cycle.map((step) => `${step.resource}.${step.field}`).join(' → ');
    warn(
      ['resources', first.resource, 'fields', first.field],
      `required references form a cycle (${path} → ${first.resource}): no record can ever be inserted, since each needs another to exist first; make one of these fields optional`,
    );
  }
  return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

interface Step {
  resource: string;
  field: string;
  to: string;
}

/** Each strongly connected group of resources linked by required references (Tarjan), as one cycle through it. */
function requiredCycles(resources: ResourceDef[]): Step[][] {
  const edges = new Map<string, Step[]>();
  for (const r of resources)
    edges.set(
      r.name,
      r.fields
        .filter((f) => f.required && f.reference)
        .map((f) => ({ resource: r.name, field: f.name, to: f.reference!.resource })),
    );
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const groups: Set<string>[] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const e of edges.get(v) ?? []) {
      if (!index.has(e.to)) {
        visit(e.to);
        low.set(v, Math.min(low.get(v)!, low.get(e.to)!));
      } else if (stack.includes(e.to)) low.set(v, Math.min(low.get(v)!, index.get(e.to)!));
    }
    if (low.get(v) === index.get(v)) {
      const group = new Set<string>();
      let w: string;
      do {
        w = stack.pop()!;
        group.add(w);
      } while (w !== v);
      groups.push(group);
    }
  };
  for (const r of resources) if (!index.has(r.name)) visit(r.name);
  const cycles: Step[][] = [];
  for (const group of groups) {
    const start = resources.find((r) => group.has(r.name))!.name;
    const selfLoop = edges.get(start)!.find((e) => e.to === start);
    if (group.size === 1) {
      if (selfLoop) cycles.push([selfLoop]);
      continue;
    }
    // Walk inside the group from its first resource until a resource repeats.
    const cycle: Step[] = [];
    const seen = new Map<string, number>();
    for (let at = start; !seen.has(at); ) {
      seen.set(at, cycle.length);
      const step = edges.get(at)!.find((e) => group.has(e.to) && e.to !== at)!;
      cycle.push(step);
      at = step.to;
    }
    cycles.push(cycle.slice(seen.get(cycle[cycle.length - 1].to)));
  }
  return cycles;
}
