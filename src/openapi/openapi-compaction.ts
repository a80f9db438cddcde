/**
 * Said once instead of everywhere (the CRM document's size bound, test/openapi/openapi-compact):
 * a parameter every operation of a path takes, and the rate-limit headers of an API without one.
 */
import { headerRef } from './openapi-headers.js';

/** A parameter every operation of a path item takes (Accept-Language) moves onto the path item. */
export function hoistCommonParameters(doc: Record<string, unknown>): void {
  const key = (p: unknown) => JSON.stringify(p);
  for (const item of Object.values(doc.paths as Record<string, Record<string, { parameters?: unknown[] }>>)) {
    const ops = Object.entries(item)
      .filter(([k]) => k !== 'parameters')
      .map(([, op]) => op);
    const common = (ops[0]?.parameters ?? [])
      .map(key)
      .filter((k) => ops.every((op) => op.parameters?.some((p) => key(p) === k)));
    if (!common.length) continue;
    for (const op of ops) {
      op.parameters = op.parameters!.filter((p) => !common.includes(key(p)));
      if (!op.parameters.length) delete op.parameters;
    }
    const own = (item as Record<string, unknown>).parameters as unknown[] | undefined;
    (item as Record<string, unknown>).parameters = [...(own ?? []), ...common.map((k) => JSON.parse(k))];
  }
}

const SENT_WITH_A_LIMIT = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'];

/**
 * Without `rateLimit`, none of RateLimit-Limit, -Remaining, -Reset is ever sent: each response
 * names one `RateLimit` header that says so (linters look for one), instead of three.
 */
export function foldUnsentRateLimit(doc: Record<string, unknown>, description: string): void {
  const walk = (v: unknown): void => {
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    const headers = o.headers as Record<string, unknown> | undefined;
    if (headers && typeof headers === 'object' && SENT_WITH_A_LIMIT[0] in headers) {
      const folded: Record<string, unknown> = {};
      for (const [name, h] of Object.entries(headers)) {
        if (name === SENT_WITH_A_LIMIT[0]) folded.RateLimit = headerRef('RateLimit');
        else if (!SENT_WITH_A_LIMIT.includes(name)) folded[name] = h;
      }
      o.headers = folded;
    }
    for (const x of Object.values(o)) walk(x);
  };
  walk(doc.paths);
  const components = doc.components as Record<string, Record<string, unknown>>;
  walk(components.responses);
  for (const name of SENT_WITH_A_LIMIT) delete components.headers[name];
  components.headers.RateLimit = { description, schema: { type: 'string', maxLength: 256 } };
}
