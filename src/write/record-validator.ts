/** Compiled validators per resource (built once at start-up) that report every failing field. */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import type { Problem } from '../errors/api-error.js';
import { isInexactInteger } from '../model/exact-integer.js';
import type { MessageKeys } from '../model/field-type.js';
import type { ResourceDef } from '../model/model-types.js';
import { writeSchema } from '../model/record-schema.js';
import { validationMessage } from './validation-messages.js';

const addFormats = addFormatsImport as unknown as (ajv: Ajv2020) => Ajv2020;

const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

export function createAjv(): Ajv2020 {
  return addFormats(new Ajv2020({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false }));
}

/** Message keys of a body member's type (model/field-type.ts `messageKeys`), by member name. */
export type MessageKeysOf = (field: string) => MessageKeys | undefined;

export function problemsFromAjv(errors: ErrorObject[], keysOf: MessageKeysOf = () => undefined): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const e of errors) {
    const p = e.params as Record<string, string>;
    let pointer = e.instancePath;
    if (e.keyword === 'required') pointer = `${pointer}/${escapePointer(p.missingProperty)}`;
    if (e.keyword === 'additionalProperties') pointer = `${pointer}/${escapePointer(p.additionalProperty)}`;
    // `type: [string, null]` with an enum reports type and enum for one value; keep the first.
    if (seen.has(pointer)) continue;
    seen.add(pointer);
    const field = pointer.split('/')[1]?.replace(/~1/g, '/').replace(/~0/g, '~') ?? '';
    const internal =
      e.keyword === 'additionalProperties'
        ? `unknown field "${field}"`
        : `body${pointer.replace(/\//g, '/')} ${e.message}`;
    out.push({
      code: 'VALIDATION_FAILED',
      internalMessage: internal,
      ...validationMessage(e, field, keysOf(field)?.[e.keyword]),
      pointer,
    });
  }
  return out;
}

/**
 * A JSON number beyond ±2^53 in a field that takes such integers as digit strings: JSON.parse has
 * already rounded it (9007199254740993 arrives as …992), so it is refused rather than stored wrong.
 */
function inexactProblem(field: string): Problem {
  return {
    code: 'VALIDATION_FAILED',
    internalMessage: `body/${field} is an integer beyond 2^53, which a JSON number cannot carry exactly: send it as a string of its digits`,
    message: 'field.integerAsText',
    vars: { field },
    pointer: `/${escapePointer(field)}`,
  };
}

/** A JSON number at most this large may be a 64-bit integer the client meant exactly. */
const INT64_MAGNITUDE = 2 ** 63;

export class RecordValidator {
  private readonly compiled = new Map<string, ValidateFunction>();
  /** Per resource, the declared fields that take integers beyond ±2^53 (as digit strings). */
  private readonly wide = new Map<string, string[]>();

  constructor(resources: ResourceDef[], ajv: Ajv2020 = createAjv()) {
    for (const r of resources) {
      const schema = writeSchema(r);
      this.compiled.set(r.name, ajv.compile(schema));
      const properties = schema.properties as Record<string, { anyOf?: { type?: string }[] }>;
      const wide = r.fields.filter(
        (f) => f.storage === 'integer' && properties[f.name]?.anyOf?.some((s) => s.type === 'string'),
      );
      if (wide.length)
        this.wide.set(
          r.name,
          wide.map((f) => f.name),
        );
    }
  }

  /** Problems of a record body (declared fields only), empty when valid. */
  validate(r: ResourceDef, body: Record<string, unknown>): Problem[] {
    const fn = this.compiled.get(r.name)!;
    if (fn(body)) return [];
    const problems = problemsFromAjv(fn.errors ?? [], (name) => r.allFields.get(name)?.type.messageKeys);
    const wide = this.wide.get(r.name);
    if (!wide) return problems;
    // Only invalid bodies get here: an inexact number never passes the schema.
    const inexact = wide.filter(
      (n) => isInexactInteger(body[n]) && Math.abs(body[n] as number) <= INT64_MAGNITUDE,
    );
    if (!inexact.length) return problems;
    const pointers = new Set(inexact.map((n) => `/${escapePointer(n)}`));
    return [...inexact.map(inexactProblem), ...problems.filter((p) => !pointers.has(p.pointer ?? ''))];
  }
}
