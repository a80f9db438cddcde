/**
 * The contract every field type module fulfils. One module per type lives in `field-types/`, and
 * all of them are registered in `field-registry.ts`. Everything that depends on a field's type
 * (options, schemas, storage kind, query parsing, cursor values, examples, message keys, and the
 * behaviour of an id of that type) is asked of the type here: no other module names a type
 * (docs/architecture.md, "Adding a field type").
 */
import type { FieldDef } from './model-types.js';

/** How a value is kept in a database; each store dialect maps a kind to a column type. */
export type StorageKind = 'text' | 'integer' | 'real' | 'boolean' | 'json' | 'date' | 'datetime';

export type JsonSchema = Record<string, unknown>;

/** A parsed query-string value, or the reason it could not be parsed. */
export type ParsedValue = { ok: true; value: unknown } | { ok: false; expected: string };

export interface OptionProblem {
  /** Option name under the field, e.g. `maxLength`. */
  option: string;
  message: string;
}

/**
 * Keys of the validation messages a type's values can fail with, by JSON Schema keyword (e.g.
 * `{ format: 'invalid-email' }`). The texts live with the other user messages, keyed by these.
 */
export type MessageKeys = Readonly<Partial<Record<string, string>>>;

/** What a type means as a resource's primary key (`id: integer | uuid | string` in a config). */
export interface IdKind {
  /**
   * Who picks a new record's id: the database (`store`, auto-increment), the server unless the
   * client sends one (`server`), or always the client (`client`).
   */
  readonly assignedBy: 'store' | 'server' | 'client';
  /** Options the `id` field of this type gets (e.g. `minimum: 1`). */
  readonly options: Readonly<Record<string, unknown>>;
  /** The id in a URL, canonical; undefined when it can name no record. */
  parse(raw: string): unknown;
  /** What a valid id looks like, for messages (`a valid UUID`). */
  readonly expected: string;
  /** OpenAPI: the path parameter's schema, the id property's description, an example. */
  readonly pathSchema: JsonSchema;
  readonly description: string;
  readonly example: unknown;
  /** A new id made by the server, when `assignedBy` is `server`. */
  generate?(): string;
}

/** A stored file's metadata (the column's value); a record shows it with the download `url`. */
export interface FileMeta {
  name: string;
  size: number;
  /** Detected from the content, never taken from the upload. */
  type: string;
  sha256: string;
}

/**
 * What a type means when its values are files (`file`): the bytes arrive through a route of their
 * own or a multipart part, never in a JSON body, and are kept by the file storage, addressed by hash.
 */
export interface FileKind {
  /** Most bytes one file may have. */
  maxSize(field: FieldDef): number;
  /** Whether a detected media type is one the field accepts. */
  accepts(field: FieldDef, type: string): boolean;
  /** The declared thumbnail sizes (`100x100`, `400x0`). */
  thumbs(field: FieldDef): string[];
  /** The stored value as a record shows it, or null; `url` is the download path. */
  present(stored: unknown, url: string): unknown;
  /** The stored metadata, when the value is one. */
  metaOf(stored: unknown): FileMeta | undefined;
}

export interface FieldType {
  readonly name: string;
  /** Options this type accepts besides the common ones (required, unique, default, index, description). */
  readonly options: readonly string[];
  /** The storage kind of a field of this type (a reference takes its target id's, see `storageOf`). */
  readonly storage: StorageKind;
  /** Checks the type-specific options of a raw field declaration (located by the caller). */
  checkOptions(raw: Record<string, unknown>): OptionProblem[];
  /** JSON Schema (draft 2020-12 subset understood by Ajv) of a value written to this field. */
  jsonSchema(field: FieldDef): JsonSchema;
  /** JSON Schema of the value as the API sends it (nullable; for the response serialiser). */
  outputSchema(field: FieldDef): JsonSchema;
  /** Parses one query-string value for filtering, to the canonical stored form. */
  parseQuery(raw: string, field: FieldDef): ParsedValue;
  /** OpenAPI schema of one filter value in the query string (the field's own limits not applied). */
  querySchema(field: FieldDef): JsonSchema;
  /** Why filter operator `op` does not apply to this field, or undefined when it does. */
  refuseOperator(op: string, field: FieldDef): string | undefined;
  /** Whether `sort` may name the field. */
  readonly sortable: boolean;
  /** A keyset cursor's value for this field is one the store could have sent (null handled apart). */
  isStoredValue(value: unknown, field: FieldDef): boolean;
  /**
   * A value written as text (a CSV cell, docs/bulk.md) → the value to validate, or why it cannot be
   * one. Text kinds keep the text; numbers and booleans parse as in a filter; json parses JSON text.
   */
  fromText(raw: string, field: FieldDef): ParsedValue;
  /** A stored value as text (a CSV cell): json as JSON text, the rest as their JSON scalar's text. */
  toText(value: unknown, field: FieldDef): string;
  /** Canonical form of a valid input value before it is stored (e.g. datetimes in UTC). */
  normalize?(value: unknown, field: FieldDef): unknown;
  /** An example value valid against `jsonSchema`, or undefined when no generic value fits. */
  example(field: FieldDef): unknown;
  /** Message keys of this type's validation failures. */
  readonly messageKeys: MessageKeys;
  /** A field of this type points at a record of the resource its `to` option names. */
  readonly reference?: boolean;
  /** Present on the types whose values are files. */
  readonly file?: FileKind;
  /** Present on the types a resource's id may have. */
  readonly id?: IdKind;
}
