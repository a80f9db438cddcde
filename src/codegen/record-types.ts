/**
 * `verbo types`: TypeScript types of each resource's records, from the model alone.
 * Read shape (what the API returns), create shape (POST/PUT body), update shape (merge patch body)
 * and the `Resources` map that types `createClient<Resources>()` from `verbo-api/client`.
 */
import type { FieldDef, Model, ResourceDef } from '../model/model-types.js';
import { idKindOf } from '../model/system-fields.js';
import { recordTypeNames } from './type-names.js';

const JSON_VALUE = `/** Any JSON value (the type of \`json\` fields). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };`;

/** A TypeScript string literal in the project's style (single quotes). */
const quote = (s: string): string =>
  `'${JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;

/** The TypeScript type of a resource's id: its id field's value type. */
const idTypeOf = (r: ResourceDef): string => valueType(r.allFields.get('id')!);

/**
 * The TypeScript type of a field's non-null value, from its JSON Schema (a reference's schema is
 * its target id's, model/field-types/reference-field.ts).
 */
function valueType(f: FieldDef): string {
  if (f.type.file) return 'FileMetadata';
  const schema = f.type.jsonSchema(f);
  if (Array.isArray(schema.enum))
    return schema.enum.map((v) => (typeof v === 'string' ? quote(v) : JSON.stringify(v))).join(' | ');
  // An integer field's schema also takes digit strings beyond ±2^53 (anyOf): typed by its number form.
  const type = schema.type ?? (schema.anyOf as { type?: unknown }[] | undefined)?.[0]?.type;
  switch (type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'JsonValue';
  }
}

const isJson = (t: string): boolean => t === 'JsonValue';
/** A field that may be omitted on create (optional, or filled by its default). */
const optionalOnWrite = (f: FieldDef): boolean => !f.required || f.default !== undefined;

function orNull(t: string, nullable: boolean): string {
  if (!nullable || isJson(t)) return t;
  return `${t} | null`;
}

/** JSDoc for a field: its description and the constraints the server enforces. */
function docOf(f: FieldDef, indent: string): string {
  const notes: string[] = [];
  if (f.description) notes.push(f.description.replace(/\*\//g, '*\\/'));
  const facts: string[] = [];
  if (f.reference) facts.push(`references ${f.reference.resource}`);
  if (f.unique) facts.push('unique');
  for (const [k, v] of Object.entries(f.options)) {
    if (k === 'search') {
      if (v === true) facts.push('searched by `q`');
    } else if (k !== 'values' && k !== 'to' && k !== 'onDelete') facts.push(`${k} ${JSON.stringify(v)}`);
  }
  if (f.default !== undefined) facts.push(`default ${JSON.stringify(f.default)}`);
  if (facts.length) notes.push(`(${facts.join('; ')})`.replace(/\*\//g, '*\\/'));
  return notes.length ? `${indent}/** ${notes.join(' ')} */\n` : '';
}

function readShape(r: ResourceDef, name: string): string {
  const lines: string[] = [];
  for (const f of r.allFields.values()) {
    // ownerId is null on records made before an owner rule existed, or by the seed (docs/auth.md).
    const nullable = f.name === 'ownerId' || (!f.system && !f.required);
    const type = f.name === 'id' ? idTypeOf(r) : valueType(f);
    // A field with a read rule of its own is absent for callers it does not admit (docs/rules.md).
    const hidden = f.access?.read ? '?' : '';
    lines.push(`${docOf(f, '  ')}  ${f.name}${hidden}: ${orNull(type, nullable)};`);
  }
  const about = r.description ? `${r.description.replace(/\*\//g, '*\\/')} ` : '';
  return `/** ${about}A record of \`${r.name}\`, as the API returns it. */\nexport interface ${name} {\n${lines.join('\n')}\n}`;
}

function createShape(r: ResourceDef, name: string): string {
  const lines: string[] = [];
  const assignedBy = idKindOf(r).assignedBy;
  if (assignedBy !== 'store') {
    const required = assignedBy === 'client';
    lines.push(
      `  /** ${required ? 'The key chosen by the client.' : 'Optional: the server generates one when absent.'} */`,
    );
    lines.push(`  id${required ? '' : '?'}: string;`);
  }
  // File fields are read-only in JSON bodies: their bytes go to their own URL (client: upload()).
  for (const f of r.fields.filter((x) => !x.type.file)) {
    lines.push(
      `${docOf(f, '  ')}  ${f.name}${optionalOnWrite(f) ? '?' : ''}: ${orNull(valueType(f), !f.required)};`,
    );
  }
  return `/** Body of \`POST /${r.name}\` and of \`PUT /${r.name}/{id}\` (a full replacement). */\nexport interface ${name}Create {\n${lines.join('\n')}\n}`;
}

function updateShape(r: ResourceDef, name: string): string {
  const lines = r.fields
    .filter((f) => !f.type.file)
    .map((f) => `${docOf(f, '  ')}  ${f.name}?: ${orNull(valueType(f), !f.required)};`);
  return `/** Body of \`PATCH /${r.name}/{id}\` as a JSON Merge Patch (RFC 7396): \`null\` clears a field. */\nexport interface ${name}Update {\n${lines.join('\n')}\n}`;
}

const FILE_METADATA = `/** A file field's value (docs/files.md): its bytes are at \`url\`. */
export interface FileMetadata {
  name: string;
  size: number;
  /** Detected from the content at upload. */
  type: string;
  sha256: string;
  url: string;
}`;

/** The names of a resource's file fields, as a union of literals (never when none). */
const fileNames = (r: ResourceDef): string =>
  r.fields
    .filter((f) => f.type.file)
    .map((f) => quote(f.name))
    .join(' | ') || 'never';

function relationsOf(r: ResourceDef): { toOne: string; toMany: string } {
  const map = (rels: { name: string; resource: string; field: string }[]) =>
    rels.length
      ? `{ ${rels.map((x) => `${x.name}: { resource: ${quote(x.resource)}; field: ${quote(x.field)} }`).join('; ')} }`
      : 'Record<never, never>';
  return { toOne: map(r.toOne), toMany: map(r.toMany) };
}

function resourcesMap(model: Model, names: Map<string, string>): string {
  const entries = model.resources.map((r) => {
    const n = names.get(r.name)!;
    const rel = relationsOf(r);
    return [
      `  ${r.name}: {`,
      `    id: ${idTypeOf(r)};`,
      `    read: ${n};`,
      `    create: ${n}Create;`,
      `    update: ${n}Update;`,
      `    /** File fields (\`upload\`, \`download\`). */`,
      `    files: ${fileNames(r)};`,
      `    /** To-one relations (\`embed\` name → resource and the referencing field). */`,
      `    toOne: ${rel.toOne};`,
      `    /** To-many relations (\`embed\` name and nested collection → resource and its referencing field). */`,
      `    toMany: ${rel.toMany};`,
      '  };',
    ].join('\n');
  });
  return `/** Every resource of the API, for \`createClient<Resources>()\` from \`verbo-api/client\`. */\nexport interface Resources {\n${entries.join('\n')}\n}`;
}

export interface RecordTypesOptions {
  /** Where the model came from, named in the header comment. */
  source?: string;
}

/** The whole generated module, as TypeScript source text. */
export function generateRecordTypes(model: Model, options: RecordTypesOptions = {}): string {
  const names = recordTypeNames(model.resources);
  const parts = [
    `// Generated by \`verbo types\` from ${options.source ?? `the ${model.name} model`}. Do not edit: run it again after changing the config.`,
    JSON_VALUE,
    ...(model.resources.some((r) => r.fields.some((f) => f.type.file)) ? [FILE_METADATA] : []),
  ];
  for (const r of model.resources) {
    const n = names.get(r.name)!;
    parts.push(readShape(r, n), createShape(r, n), updateShape(r, n));
  }
  parts.push(resourcesMap(model, names));
  return `${parts.join('\n\n')}\n`;
}
