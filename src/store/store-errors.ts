/** Failures a store reports in database-neutral terms; the HTTP layer maps them to statuses. */
import { formatPlan, type Safety, type SchemaPlan } from './schema/schema-plan.js';

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

/** The database cannot be brought to the config: a change verbo cannot make, or stored rows a checked step refuses. */
export class SchemaChangeRefused extends StoreError {
  constructor(readonly changes: string[]) {
    super(
      `the database cannot be brought to the config:\n${changes.map((c) => `  - ${c}`).join('\n')}\n` +
        'Change the config, or fix the stored data, and try again (docs/migrations.md). Nothing was changed.',
    );
  }
}

/**
 * The plan has steps riskier than the caller allows (`verbo serve` applies safe steps only; data
 * loss needs `verbo migrate --apply --allow-data-loss`). Nothing was changed.
 */
export class MigrationNeeded extends StoreError {
  constructor(
    readonly plan: SchemaPlan,
    readonly allowed: Safety,
  ) {
    super(
      `the database needs a migration with steps beyond ${allowed} ones:\n${formatPlan(plan)
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n')}`,
    );
  }
}
