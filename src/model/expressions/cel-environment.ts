/**
 * Expressions of business rules and access rules (docs/rules.md) are CEL, the Common Expression
 * Language (@marcbachmann/cel-js: no `eval`, no I/O, not Turing-complete). Two environments:
 * - a checker per resource, where `record` and `previous` have the resource's fields with types
 *   from their storage kind (nullable: `dyn<T>`), so `verbo check` reports an unknown field, a wrong
 *   type or a syntax error at config time;
 * - one runtime environment where every variable is dynamic, so null values evaluate as in CEL.
 */
import { Environment, type ParseResult } from '@marcbachmann/cel-js';
import type { StorageKind } from '../field-type.js';
import type { ResourceDef } from '../model-types.js';

const TIMESTAMP = 'google.protobuf.Timestamp';

const CEL_TYPES: Record<StorageKind, string> = {
  text: 'string',
  integer: 'int',
  real: 'double',
  boolean: 'bool',
  json: 'dyn',
  date: 'string',
  datetime: TIMESTAMP,
};

/** What a record field is in CEL, by storage kind: `dyn<int>` (it may be null). */
const nullable = (kind: StorageKind): string => (kind === 'json' ? 'dyn' : `dyn<${CEL_TYPES[kind]}>`);

/** The variables every expression may use (docs/rules.md#variables). */
export const EXPRESSION_VARIABLES = ['record', 'previous', 'caller', 'now'] as const;

/** A type checker for the expressions of resource `r`. */
export function checkerFor(r: ResourceDef): Environment {
  const fields: Record<string, string> = {};
  for (const f of r.allFields.values()) fields[f.name] = nullable(f.storage);
  return new Environment({ limits: LIMITS })
    .registerType('Record', { fields })
    .registerType('Caller', { fields: { id: 'int', email: 'string', roles: 'list<string>' } })
    .registerOperator('Record == null', (a: unknown) => a == null)
    .registerOperator('Caller == null', (a: unknown) => a == null)
    .registerVariable('record', 'Record')
    .registerVariable('previous', 'Record')
    .registerVariable('caller', 'Caller')
    .registerVariable('now', TIMESTAMP);
}

/** Small expressions only: a rule is one line of policy, not a program. */
const LIMITS = {
  maxAstNodes: 500,
  maxDepth: 50,
  maxListElements: 200,
  maxMapEntries: 50,
  maxCallArguments: 8,
};

const runtime = new Environment({ limits: LIMITS })
  .registerVariable('record', 'dyn')
  .registerVariable('previous', 'dyn')
  .registerVariable('caller', 'dyn')
  .registerVariable('now', TIMESTAMP);

/** An expression checked against its resource, ready to evaluate. */
export interface CompiledExpression {
  source: string;
  run: ParseResult;
}

export type CheckOutcome = { ok: true; compiled: CompiledExpression } | { ok: false; message: string };

/** Parses and type-checks `source` for resource `r`; it must give a bool. */
export function compileExpression(checker: Environment, source: unknown): CheckOutcome {
  if (typeof source !== 'string' || source.trim() === '')
    return { ok: false, message: 'must be a CEL expression, e.g. "record.amount > 0"' };
  const checked = checker.check(source);
  if (!checked.valid) {
    const e = checked.error!;
    const column = (e.range?.start ?? 0) + 1;
    const summary = 'summary' in e && e.summary ? e.summary : e.message.split('\n')[0];
    return { ok: false, message: `${summary} (column ${column} of ${JSON.stringify(source)})` };
  }
  if (checked.type !== 'bool' && checked.type !== 'dyn')
    return { ok: false, message: `must give true or false, not ${checked.type} (${JSON.stringify(source)})` };
  return { ok: true, compiled: { source, run: runtime.parse(source) } };
}

/** The caller as expressions see it (null when nobody is signed in). */
export interface ExpressionCaller {
  id: number;
  email: string;
  roles: string[];
}

export interface ExpressionInput {
  record: Record<string, unknown> | null;
  previous: Record<string, unknown> | null;
  caller: ExpressionCaller | null;
  now: Date;
}

/** A stored row as CEL values: integers as int, datetimes as timestamps, every field present. */
export function celRecord(r: ResourceDef, row: Record<string, unknown> | null | undefined) {
  if (!row) return null;
  const out: Record<string, unknown> = {};
  for (const f of r.allFields.values()) {
    const v = row[f.name];
    if (v === undefined || v === null) out[f.name] = null;
    else if (f.storage === 'integer' && (typeof v === 'number' || typeof v === 'string'))
      out[f.name] = BigInt(v);
    else if (f.storage === 'datetime' && typeof v === 'string') out[f.name] = new Date(v);
    else out[f.name] = v;
  }
  return out;
}

export type Evaluation = { ok: true; value: boolean } | { ok: false; error: string };

/** Evaluates to true or false; an evaluation error (e.g. `null > 0`) is reported, never thrown. */
export function evaluate(e: CompiledExpression, input: ExpressionInput): Evaluation {
  try {
    const value = e.run({
      record: input.record,
      previous: input.previous,
      caller: input.caller && { ...input.caller, id: BigInt(input.caller.id) },
      now: input.now,
    });
    if (typeof value === 'boolean') return { ok: true, value };
    return { ok: false, error: `gave ${String(value)}, not true or false` };
  } catch (err) {
    return { ok: false, error: (err as Error).message.split('\n')[0] };
  }
}
