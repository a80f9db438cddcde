/**
 * The schemas of one resource's records, from the same functions the validator compiles
 * (`writeSchema`, `fieldSchema`): the read shape, and the bodies of POST, PUT and a merge PATCH.
 */

import { formatRule } from '../model/access-rules.js';
import type { JsonSchema } from '../model/field-type.js';
import type { FieldDef, ResourceDef } from '../model/model-types.js';
import { fieldSchema, writeSchema } from '../model/record-schema.js';
import { idKindOf } from '../model/system-fields.js';
import { recordExample } from './openapi-examples.js';
import { bounded, type Limits, UNCAPPED_ITEMS } from './openapi-limits.js';
import type { ResourceNames } from './openapi-names.js';

export const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Set on every record by the server: never null in a response (ownerId may be: docs/auth.md). */
const ALWAYS_SET = new Set(['id', 'createdAt', 'updatedAt']);

function systemProperty(f: FieldDef, r: ResourceDef, limits: Limits): JsonSchema {
  const base = bounded(fieldSchema(f, !f.required && !ALWAYS_SET.has(f.name)), limits);
  if (f.name === 'id') base.description = idKindOf(r).description;
  return { ...base, readOnly: true };
}

/** `x-verbo-access` on a property with rules of its own, and a line saying what they do. */
function withFieldAccess(schema: JsonSchema, f: FieldDef): JsonSchema {
  const rules = (action: 'read' | 'write') => f.access?.[action]?.map(formatRule);
  const read = rules('read');
  const write = rules('write');
  const notes = [
    read ? `Present only for ${read.join(' or ')} (filtering or sorting on it otherwise → 403).` : '',
    write ? `Written only by ${write.join(' or ')} (403 otherwise).` : '',
  ].filter(Boolean);
  return {
    ...schema,
    description: [schema.description, ...notes].filter(Boolean).join(' '),
    'x-verbo-access': { ...(read ? { read } : {}), ...(write ? { write } : {}) },
  };
}

function withExample(schema: JsonSchema, example: unknown): JsonSchema {
  return example === undefined ? schema : { ...schema, examples: [example] };
}

/** The record as GET returns it: every field present (null when empty), relations when embedded. */
function readSchema(r: ResourceDef, names: Map<string, ResourceNames>, limits: Limits): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const f of r.allFields.values()) {
    properties[f.name] = f.system
      ? systemProperty(f, r, limits)
      : bounded(fieldSchema(f, !f.required), limits);
  }
  for (const rel of r.toOne) {
    properties[rel.name] = {
      description: `Only with \`embed=${rel.name}\`: the ${rel.resource} record that \`${rel.field}\` names, or null (only the fields named with \`embed=${rel.name}(…)\`).`,
      anyOf: [
        schemaRef(names.get(rel.resource)!.record),
        schemaRef(`${names.get(rel.resource)!.record}Fields`),
        { type: 'null' },
      ],
      // Which field links the two, for tools that show relations (the admin app, docs/admin.md).
      'x-verbo-relation': { kind: 'to-one', field: rel.field, resource: rel.resource },
    };
  }
  for (const rel of r.toMany) {
    properties[rel.name] = {
      description:
        `Only with \`embed=${rel.name}\`: every ${rel.resource} record whose \`${rel.field}\` is this record's id ` +
        '(all of them: the server does not cap this list).',
      type: 'array',
      items: {
        anyOf: [
          schemaRef(names.get(rel.resource)!.record),
          schemaRef(`${names.get(rel.resource)!.record}Fields`),
        ],
      },
      maxItems: UNCAPPED_ITEMS,
      'x-verbo-relation': { kind: 'to-many', field: rel.field, resource: rel.resource },
    };
  }
  for (const f of r.fields) if (f.access) properties[f.name] = withFieldAccess(properties[f.name], f);
  const schema: JsonSchema = {
    type: 'object',
    description: r.description ?? `A record of ${r.name}.`,
    properties,
    // A field with a read rule is absent for callers it does not admit (docs/rules.md#field-access).
    required: [...r.allFields.keys()].filter((name) => !r.allFields.get(name)?.access?.read),
  };
  return withExample(schema, recordExample(r, 'read'));
}

function writeProperties(
  r: ResourceDef,
  limits: Limits,
): { properties: Record<string, JsonSchema>; required: string[] } {
  const schema = writeSchema(r);
  const properties: Record<string, JsonSchema> = {};
  for (const [name, s] of Object.entries(schema.properties as Record<string, JsonSchema>))
    properties[name] = bounded(s, limits);
  return { properties, required: schema.required as string[] };
}

const idProperty = (r: ResourceDef, limits: Limits, description: string): JsonSchema => ({
  ...bounded(fieldSchema(r.allFields.get('id')!, false), limits),
  description,
});

/** POST body: the declared fields; an id only where the client may choose it. */
function createSchema(r: ResourceDef, limits: Limits): JsonSchema {
  const { properties, required } = writeProperties(r, limits);
  const props: Record<string, JsonSchema> = {};
  const assignedBy = idKindOf(r).assignedBy;
  if (assignedBy === 'client')
    props.id = idProperty(r, limits, 'The natural key of the new record (required).');
  if (assignedBy === 'server')
    props.id = idProperty(
      r,
      limits,
      'Optional: the UUID of the new record; the server assigns one when absent.',
    );
  Object.assign(props, properties);
  const schema: JsonSchema = {
    type: 'object',
    description: `A new ${r.name} record. Fields left out get their default, or null.`,
    properties: props,
    required: assignedBy === 'client' ? ['id', ...required] : required,
    additionalProperties: false,
  };
  return withExample(schema, recordExample(r, 'write'));
}

/** PUT body: the whole record; server-set fields may be echoed back unchanged (a GET round trip). */
function replaceSchema(r: ResourceDef, limits: Limits): JsonSchema {
  const { properties, required } = writeProperties(r, limits);
  const echo = (f: FieldDef): JsonSchema => ({
    ...bounded(fieldSchema(f, false), limits),
    description: `Optional; when sent, must equal the current ${f.name === 'id' ? 'id in the URL' : 'value'} (else 422).`,
  });
  const schema: JsonSchema = {
    type: 'object',
    description: `The full ${r.name} record: fields left out are cleared (default or null).`,
    properties: {
      id: echo(r.allFields.get('id')!),
      ...properties,
      createdAt: echo(r.allFields.get('createdAt')!),
      updatedAt: echo(r.allFields.get('updatedAt')!),
    },
    required,
    additionalProperties: false,
  };
  const example = recordExample(r, 'write');
  if (example) delete example.id;
  return withExample(schema, example);
}

/** RFC 7396 body: any subset of the fields; null removes a value. */
function mergePatchSchema(r: ResourceDef, limits: Limits): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const f of r.fields) properties[f.name] = bounded(fieldSchema(f, true), limits);
  const first = r.fields.find((f) => !f.reference);
  const example = first ? recordExample(r, 'read')?.[first.name] : undefined;
  const schema: JsonSchema = {
    type: 'object',
    description: `RFC 7396 merge patch of a ${r.name} record: members present replace the value, \`null\` clears it; the result is validated like a PUT.`,
    properties,
    additionalProperties: false,
  };
  return first && example !== undefined ? withExample(schema, { [first.name]: example }) : schema;
}

/** Every schema component of one resource. */
export function recordSchemas(
  r: ResourceDef,
  names: Map<string, ResourceNames>,
  limits: Limits,
): Record<string, JsonSchema> {
  const n = names.get(r.name)!.record;
  const read = readSchema(r, names, limits);
  const { required: _all, examples: _e, ...selection } = read;
  return {
    [n]: read,
    [`${n}Fields`]: {
      ...selection,
      description: `A ${r.name} record in a list with \`fields=\`: only the fields named are present.`,
    },
    [`${n}Create`]: createSchema(r, limits),
    [`${n}Replace`]: replaceSchema(r, limits),
    [`${n}MergePatch`]: mergePatchSchema(r, limits),
  };
}
