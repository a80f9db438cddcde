/** Failures a store reports in database-neutral terms; the HTTP layer maps them to statuses. */

export class StoreError extends Error {}

/** A unique constraint refused the write. */
export class UniqueViolation extends StoreError {
  constructor(readonly fields: string[]) {
    super(`unique constraint on ${fields.join(', ') || 'a field'}`);
  }
}

/** A reference field names a record that does not exist. */
export class MissingReference extends StoreError {
  constructor(readonly fields: string[]) {
    super(`reference to a missing record in ${fields.join(', ') || 'a reference field'}`);
  }
}

/** A delete was refused because other records still reference the record(s) (onDelete: restrict). */
export class StillReferenced extends StoreError {
  constructor(readonly by: string[]) {
    super(`still referenced by ${by.join(', ') || 'other records'}`);
  }
}

/** The database cannot be reached or is not accepting work right now. */
export class StoreUnavailable extends StoreError {
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
  ) {
    super(message);
  }
}

/** The storage is full or read-only (disk full, read-only file). */
export class StoreFull extends StoreError {}

/** A config change would drop or retype stored data. */
export class SchemaChangeRefused extends StoreError {
  constructor(readonly changes: string[]) {
    super(
      `the config changed in ways that would lose or retype stored data:\n${changes.map((c) => `  - ${c}`).join('\n')}\n` +
        'verbo never drops or retypes data by itself. Either restore these fields in the config, or migrate the ' +
        'database yourself (back it up first), or start with a new database file.',
    );
  }
}
