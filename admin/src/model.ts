/**
 * The model as the app knows it: read from `/openapi.json` only (docs/admin.md). `$ref`s are
 * resolved wherever they appear, so the app does not depend on which shapes are inlined.
 */
type Json = Record<string, unknown>;

export type FieldKind =
  | 'integer'
  | 'number'
  | 'boolean'
  | 'enum'
  | 'date'
  | 'datetime'
  | 'email'
  | 'url'
  | 'uuid'
  | 'string'
  | 'json'
  | 'file';

/** A file field's route and limits (docs/files.md), from `/{r}/{id}/{field}` in the document. */
export interface FileInfo {
  /** Whether the route takes uploads (PUT) and so the write bodies take the field as a multipart part. */
  upload: boolean;
  /** Media types the field accepts (the multipart part's `encoding.contentType`), for the file chooser. */
  accept?: string;
  maxSize?: number;
  /** The smallest thumbnail size `?thumb=` offers (`100x100`), if any. */
  thumb?: string;
}

export interface FieldInfo {
  name: string;
  kind: FieldKind;
  nullable: boolean;
  /** Set by the server (id, createdAt, ownerId…), never sent. */
  readOnly: boolean;
  required: boolean;
  values?: string[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  description?: string;
  /** The resource this field references (a to-one relation). */
  references?: string;
  /** Filter operators the list accepts for this field. */
  operators: string[];
  sortable: boolean;
  /** The field's own rules (`x-verbo-access`, docs/rules.md#field-access); absent: the resource's apply. */
  access?: { read?: string[]; write?: string[] };
  file?: FileInfo;
}

export interface Relation {
  kind: 'to-one' | 'to-many';
  name: string;
  field: string;
  resource: string;
}

export type Action = 'read' | 'create' | 'update' | 'delete';

export interface ResourceInfo {
  name: string;
  description?: string;
  /** Collection URL path, e.g. `/customers`. */
  path: string;
  fields: FieldInfo[];
  relations: Relation[];
  /** Rules per action (`x-verbo-access`); absent: everyone may. */
  access: Partial<Record<Action, string[]>>;
  /** The field a picker searches and shows as a record's label. */
  labelField?: string;
  /** Whether the collection route offers this action at all. */
  can: Record<Action, boolean>;
  /** The list also answers `text/event-stream` (docs/realtime.md): tables and records update live. */
  live: boolean;
  /** The list takes `q`, full-text search over the fields marked `search: true`; `relevance`: it sorts by rank. */
  search: boolean;
  relevance: boolean;
  /** Bulk (docs/bulk.md): every list exports CSV / NDJSON; `imports` is the import route and its rules. */
  exports: boolean;
  imports?: { path: string; access?: string[] };
}

export interface AppModel {
  title: string;
  resources: ResourceInfo[];
  byName: Map<string, ResourceInfo>;
}

export interface Caller {
  id: number | string;
  email: string;
  name?: string | null;
  roles: string[];
}

/** Follows `$ref` (local JSON pointers) until a node without one. */
function deref(doc: Json, node: unknown, seen = 0): Json {
  if (!node || typeof node !== 'object') return {};
  const ref = (node as Json).$ref;
  if (typeof ref !== 'string' || seen > 32) return node as Json;
  const target = ref
    .replace(/^#\//, '')
    .split('/')
    .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((at, key) => (at as Json | undefined)?.[key], doc);
  return deref(doc, target, seen + 1);
}

const types = (s: Json): string[] => (Array.isArray(s.type) ? s.type : s.type ? [s.type as string] : []);

function kindOf(doc: Json, s: Json): { kind: FieldKind; nullable: boolean; base: Json } {
  if (Array.isArray(s.anyOf)) {
    const options = s.anyOf.map((o) => deref(doc, o));
    const nullable = options.some((o) => types(o).includes('null'));
    const integer = options.find((o) => types(o).includes('integer'));
    if (integer) return { kind: 'integer', nullable, base: integer };
    const first = options.find((o) => !types(o).includes('null') || types(o).length > 1) ?? {};
    return { ...kindOf(doc, first), nullable };
  }
  const t = types(s);
  const nullable = t.includes('null') || (Array.isArray(s.enum) && s.enum.includes(null));
  if (Array.isArray(s.enum)) return { kind: 'enum', nullable, base: s };
  if (t.includes('boolean')) return { kind: 'boolean', nullable, base: s };
  if (t.includes('integer')) return { kind: 'integer', nullable, base: s };
  if (t.includes('number')) return { kind: 'number', nullable, base: s };
  if (t.includes('string')) {
    const formats: Record<string, FieldKind> = {
      date: 'date',
      'date-time': 'datetime',
      email: 'email',
      uri: 'url',
      uuid: 'uuid',
    };
    return { kind: formats[s.format as string] ?? 'string', nullable, base: s };
  }
  return { kind: 'json', nullable: true, base: s };
}

/** An operation's 200 answer's `content` (media type → media object). */
const answerContent = (doc: Json, op: Json | undefined): Json =>
  deref(doc, deref(doc, (op?.responses as Json | undefined)?.['200']).content);

/** An operation's request body's `content`. */
const bodyContent = (doc: Json, op: Json | undefined): Json =>
  deref(doc, deref(doc, op?.requestBody).content);

const jsonSchemaIn = (doc: Json, content: Json): Json | undefined => {
  const media = content['application/json'] as Json | undefined;
  return media ? deref(doc, media.schema) : undefined;
};

/** A file field's route `/{r}/{id}/{field}`: uploads, accepted types, size limit, thumbnail sizes. */
function fileInfo(doc: Json, route: Json, write: Json | undefined, name: string): FileInfo {
  const put = route.put ? deref(doc, route.put) : undefined;
  const body = bodyContent(doc, put);
  const bytes = deref(doc, deref(doc, Object.values(body)[0]).schema);
  const params = ((deref(doc, route.get).parameters ?? []) as unknown[]).map((p) => deref(doc, p));
  const sizes = (deref(doc, params.find((p) => p.name === 'thumb')?.schema).enum ?? []) as string[];
  const area = (size: string) => {
    const [w, h] = size.split('x').map(Number);
    return w * (h || w);
  };
  const multipart = deref(doc, bodyContent(doc, write)['multipart/form-data']);
  const encoding = deref(doc, deref(doc, multipart.encoding)[name]);
  return {
    upload: Boolean(put),
    accept: typeof encoding.contentType === 'string' ? encoding.contentType : undefined,
    maxSize: typeof bytes.maxLength === 'number' ? bytes.maxLength : undefined,
    thumb: [...sizes].sort((a, b) => area(a) - area(b))[0],
  };
}

/**
 * `^-?(a|b|c)(,-?(a|b|c))*$` → [a, b, c]: the plain names among the first group's alternatives
 * (a nested group, such as the aggregate keys `(count|sum|…)_[A-Za-z_]…`, is skipped).
 */
const alternatives = (pattern: unknown): string[] => {
  const text = typeof pattern === 'string' ? pattern : '';
  const out: string[] = [];
  let depth = 0;
  let word = '';
  for (const ch of text.slice(text.indexOf('(') + 1)) {
    if (depth === 0 && (ch === '|' || ch === ')')) {
      out.push(word);
      word = '';
      if (ch === ')') break;
      continue;
    }
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    word += ch;
  }
  return text.includes('(') ? out.filter((w) => /^[A-Za-z_][\w.]*$/.test(w)) : [];
};

export function readModel(doc: Json, apiBase: string): AppModel {
  const paths = (doc.paths ?? {}) as Record<string, Json>;
  const resources: ResourceInfo[] = [];
  const collection = new RegExp(`^${apiBase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/([a-z][a-z0-9_]*)$`);
  for (const [path, rawItem] of Object.entries(paths)) {
    const m = collection.exec(path);
    const item = deref(doc, rawItem);
    const one = deref(doc, paths[`${path}/{id}`]);
    if (!m || !item.get || !one.get) continue;
    const list = deref(doc, item.get);
    const record = jsonSchemaIn(doc, answerContent(doc, deref(doc, one.get)));
    if (!record) continue;
    const create = jsonSchemaIn(doc, bodyContent(doc, item.post ? deref(doc, item.post) : undefined));
    const params = ((list.parameters ?? []) as unknown[]).map((p) => deref(doc, p));
    const sortParam = params.find((p) => p.name === 'sort');
    const sortable = new Set(alternatives(deref(doc, sortParam?.schema).pattern));
    const properties = deref(doc, record.properties) as Record<string, unknown>;
    const createProps = (create ? deref(doc, create.properties) : {}) as Json;
    const createRequired = (create?.required ?? []) as string[];
    const relations: Relation[] = [];
    const fields: FieldInfo[] = [];
    for (const [name, raw] of Object.entries(properties)) {
      const s = deref(doc, raw);
      const rel = s['x-verbo-relation'] as Omit<Relation, 'name'> | undefined;
      if (rel) {
        relations.push({ ...rel, name });
        continue;
      }
      const { kind, nullable, base } = kindOf(doc, s);
      const fileRoute = paths[`${path}/{id}/${name}`];
      // One plain query parameter per filter: `name` (equals) and `name[op]` (docs/openapi.md).
      const ops = params.flatMap((p) => {
        const n = typeof p.name === 'string' && p.in === 'query' ? p.name : '';
        if (n === name) return ['eq'];
        return n.startsWith(`${name}[`) && n.endsWith(']') ? [n.slice(name.length + 1, -1)] : [];
      });
      fields.push({
        name,
        kind: fileRoute ? 'file' : kind,
        nullable,
        readOnly: s.readOnly === true || !(name in createProps),
        required: createRequired.includes(name),
        values: kind === 'enum' ? (base.enum as unknown[]).filter((v) => v !== null).map(String) : undefined,
        minimum: typeof base.minimum === 'number' && kind !== 'integer' ? base.minimum : undefined,
        maximum: typeof base.maximum === 'number' && kind !== 'integer' ? base.maximum : undefined,
        maxLength:
          typeof base.maxLength === 'number' && base.maxLength < 100_000 ? base.maxLength : undefined,
        description: typeof s.description === 'string' ? s.description : undefined,
        operators: ops,
        sortable: sortable.has(name),
        access: s['x-verbo-access'] as FieldInfo['access'],
        file: fileRoute
          ? fileInfo(doc, deref(doc, fileRoute), deref(doc, item.post ?? one.patch), name)
          : undefined,
      });
    }
    for (const rel of relations)
      if (rel.kind === 'to-one') {
        const f = fields.find((x) => x.name === rel.field);
        if (f) f.references = rel.resource;
      }
    const access: ResourceInfo['access'] = {};
    const ops: [Json | undefined, Action][] = [
      [item.get as Json, 'read'],
      [item.post as Json, 'create'],
      [one.patch as Json, 'update'],
      [one.delete as Json, 'delete'],
    ];
    for (const [op, action] of ops) {
      const rules = (op ? deref(doc, op) : {})['x-verbo-access'] as Record<string, string[]> | undefined;
      if (rules?.[action]) access[action] = rules[action];
    }
    const importRoute = paths[`${path}/imports`];
    const importOp = importRoute ? deref(doc, deref(doc, importRoute).post) : undefined;
    const importRules = importOp?.['x-verbo-access'] as Record<string, string[]> | undefined;
    const label = fields.find((f) => ['name', 'title', 'label', 'email'].includes(f.name) && !f.readOnly);
    resources.push({
      name: m[1],
      description: typeof record.description === 'string' ? record.description : undefined,
      path,
      fields,
      relations,
      access,
      labelField: (label ?? fields.find((f) => f.kind === 'string' && !f.readOnly))?.name,
      can: {
        read: true,
        create: Boolean(item.post),
        update: Boolean(one.patch),
        delete: Boolean(one.delete),
      },
      live: Boolean(answerContent(doc, list)['text/event-stream']),
      search: params.some((p) => p.name === 'q' && p.in === 'query'),
      relevance: sortable.has('relevance') && !properties.relevance,
      exports: Boolean(paths[`${apiBase}/jobs/{id}`]),
      imports: importOp ? { path: `${path}/imports`, access: importRules?.create } : undefined,
    });
  }
  const info = deref(doc, doc.info);
  return {
    title: typeof info.title === 'string' ? info.title : 'verbo',
    resources,
    byName: new Map(resources.map((r) => [r.name, r])),
  };
}

/**
 * Whether the caller passes a rule list (docs/auth.md): any one rule grants; role `admin` passes
 * all; `owner` lets a signed-in caller act on their own records (the server filters the rest).
 */
export function allowed(r: ResourceInfo, action: Action, caller: Caller | null, authOn: boolean): boolean {
  if (!r.can[action]) return false;
  return passes(r.access[action], caller, authOn);
}

/** Whether the caller may start an import into `r` (the import route's own rules: create). */
export const mayImport = (r: ResourceInfo, caller: Caller | null, authOn: boolean): boolean =>
  Boolean(r.imports) && passes(r.imports?.access, caller, authOn);

function passes(rules: string[] | undefined, caller: Caller | null, authOn: boolean): boolean {
  if (!authOn || !rules) return true;
  return rules.some((rule) => {
    if (rule === 'public') return true;
    if (!caller) return false;
    if (rule === 'authenticated' || rule === 'owner') return true;
    return (
      caller.roles.includes('admin') || (rule.startsWith('role:') && caller.roles.includes(rule.slice(5)))
    );
  });
}

/**
 * The resource as `caller` sees it (docs/rules.md#field-access): fields their read rule does not
 * admit are left out (the server leaves them out too: no column, filter, sort or form control),
 * fields their write rule does not admit are read-only.
 */
export function asSeenBy(r: ResourceInfo, caller: Caller | null, authOn: boolean): ResourceInfo {
  if (!r.fields.some((f) => f.access)) return r;
  const fields = r.fields
    .filter((f) => passes(f.access?.read, caller, authOn))
    .map((f) =>
      passes(f.access?.write, caller, authOn)
        ? f
        : { ...f, readOnly: true, file: f.file && { ...f.file, upload: false } },
    );
  const labelField = fields.some((f) => f.name === r.labelField) ? r.labelField : undefined;
  return { ...r, fields, labelField };
}

/** Every resource as `caller` sees it (asSeenBy). */
export function modelAsSeenBy(model: AppModel, caller: Caller | null, authOn: boolean): AppModel {
  const resources = model.resources.map((r) => asSeenBy(r, caller, authOn));
  return { ...model, resources, byName: new Map(resources.map((r) => [r.name, r])) };
}
