/** The validated, resolved model that every layer above reads. Built once at start-up. */

import type { AccessRules, FieldAccess } from './access-rules.js';
import type { AuthSettings, RateLimitSettings, TrustProxy } from './auth-config.js';
import type { CompiledExpression } from './expressions/cel-environment.js';
import type { FieldType, StorageKind } from './field-type.js';
import type { RequestLimits } from './limits-config.js';
import type { RealtimeSettings } from './realtime-config.js';
import type { FileStorageSettings } from './storage-config.js';
import type { WebhookDef } from './webhooks-config.js';

/** The name of a field type that can be an id (one with `id`, see field-type.ts): integer, uuid, string. */
export type IdType = string;

/** What happens to referencing records when their target is deleted. */
export const ON_DELETE = ['restrict', 'cascade', 'set-null'] as const;
export type OnDelete = (typeof ON_DELETE)[number];

export interface ReferenceDef {
  resource: string;
  onDelete: OnDelete;
  idType: IdType;
  /** The target's `id` field, once resolved: the reference takes its type (field-types/reference-field.ts). */
  idField?: FieldDef;
}

export interface FieldDef {
  name: string;
  type: FieldType;
  storage: StorageKind;
  required: boolean;
  unique: boolean;
  /** Indexed in the database (unique and reference fields always are). */
  index: boolean;
  default?: unknown;
  description?: string;
  /** Type-specific options as declared (minLength, values, to, …). */
  options: Record<string, unknown>;
  reference?: ReferenceDef;
  /** id, createdAt, updatedAt: set by the server, never by a client. */
  system: boolean;
  /** Former names of this field: the planner renames the stored column (docs/migrations.md). */
  renamedFrom?: string[];
  /** Who may read and write this field, beyond the resource's rules (with `auth` only; docs/rules.md). */
  access?: FieldAccess;
}

/** One column of a declared index, in order; `-createdAt` in the config is descending. */
export interface IndexFieldDef {
  name: string;
  descending: boolean;
}

/** An index over one or more columns (`indexes:` on a resource, docs/config.md). */
export interface IndexDef {
  fields: IndexFieldDef[];
  unique: boolean;
}

/** A to-many link seen from the referenced side: `orders.customerId` seen from customers. */
export interface InverseRelation {
  /** Name used in URLs and `embed`: the referencing resource's name (e.g. `orders`). */
  name: string;
  resource: string;
  field: string;
  onDelete: OnDelete;
}

/** A to-one link: `orders.customerId` gives `customer`. */
export interface ForwardRelation {
  name: string;
  resource: string;
  field: string;
}

export interface ResourceDef {
  name: string;
  idType: IdType;
  /** Declared fields, in declaration order (no system fields). */
  fields: FieldDef[];
  /** id + declared fields + createdAt + updatedAt, by name. */
  allFields: Map<string, FieldDef>;
  movedFrom: string[];
  /** Former names of this resource: the planner renames the stored table (its URLs redirect, as movedFrom). */
  renamedFrom: string[];
  /** Declared indexes (`indexes:`), beyond the one-column ones of `index`/`unique` fields. */
  indexes: IndexDef[];
  requireIfMatch: boolean;
  description?: string;
  toOne: ForwardRelation[];
  toMany: InverseRelation[];
  /** Who may do what (set when `auth` is on; absent = everything public). */
  access?: AccessRules;
  /** Business rules every write must pass (`rules:`, docs/rules.md). */
  rules: RuleDef[];
  /** The collection's URL path (`{basePath}/{name}`), set once the model is built. */
  path?: string;
}

/** The kinds of write a business rule or hook sees. */
export type WriteKind = 'create' | 'update' | 'delete';

/** A user message in English and, optionally, Spanish (English is used where Spanish is missing). */
export interface LocalText {
  en: string;
  es?: string;
}

/** One named business rule: `check` must hold for the record of every write of a kind in `on`. */
export interface RuleDef {
  name: string;
  check: CompiledExpression;
  on: WriteKind[];
  message?: LocalText;
}

export interface CorsConfig {
  origins: string[];
  credentials: boolean;
}

export interface Model {
  name: string;
  basePath: string;
  resources: ResourceDef[];
  byName: Map<string, ResourceDef>;
  /** `Prefer: return=minimal` is the default when true. */
  preferMinimal: boolean;
  cors?: CorsConfig;
  /** Idempotency-Key (docs/http-semantics.md): how long a completed response is kept for replay (default 24 h). */
  idempotency: { ttlSeconds: number };
  /** Language of userMessage when Accept-Language names none we have. */
  defaultLanguage: 'en' | 'es';
  bodyLimit: number;
  /** URL length, JSON depth and array length of requests (docs/limits.md). */
  limits: RequestLimits;
  /** Sessions, tokens and access rules are on when set. */
  auth?: AuthSettings;
  rateLimit?: RateLimitSettings;
  trustProxy?: TrustProxy;
  /** Built-in resources (users, tokens): stored like the others, never routed. */
  internal?: ResourceDef[];
  /** The admin web app (docs/admin.md). */
  admin: AdminSettings;
  /** The code hooks module (`hooks:`, docs/rules.md#code-hooks): an absolute path. */
  hooks?: string;
  /** Change streams and the change log's retention (docs/realtime.md). */
  realtime: RealtimeSettings;
  /** Where the bytes of `file` fields live (`storage.files`, docs/files.md). */
  files: FileStorageSettings;
  /** Signed HTTP calls for committed changes (docs/webhooks.md); absent when none are declared. */
  webhooks?: WebhookDef[];
}

export interface AdminSettings {
  /** Absolute URL path of the app, e.g. `/_admin` (served at `/_admin/`). */
  path: string;
  /** Unset: on, except in production. */
  enabled?: boolean;
}

export const SYSTEM_FIELDS = ['id', 'createdAt', 'updatedAt'] as const;

/** Every resource with a table: the declared ones and the built-in ones. */
export const storedResources = (m: Model): ResourceDef[] =>
  m.internal?.length ? [...m.resources, ...m.internal] : m.resources;

/** Server-set columns beyond id, createdAt and updatedAt (ownerId when a rule says `owner`). */
export const extraSystemFields = (r: ResourceDef): FieldDef[] =>
  [...r.allFields.values()].filter((f) => f.system && !(SYSTEM_FIELDS as readonly string[]).includes(f.name));
