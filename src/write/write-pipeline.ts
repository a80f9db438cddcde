/**
 * The steps of the write pipeline that come after field validation (docs/architecture.md#write):
 * business rules → beforeWrite hook → store write → commit → afterCommit hook. They wrap
 * the store's three writes (insert, modify, deleteWhere), so every path that writes through the
 * app's store — POST, PUT, PATCH, DELETE, bulk DELETE, batch, imports — runs them with no code of
 * its own. Field validation (planWrite) runs before: a record that is also invalid gets its 422.
 *
 * Rules run inside the store's transaction (in `modify`'s decide, under the row lock). A write to
 * a resource with a `beforeWrite` hook runs in one `Store.transaction`: the hook reads through it,
 * and the write applies only if the record is still the version the hook saw (on PostgreSQL
 * another transaction may change it meanwhile: the steps then run again). Writes made inside a
 * `transaction` (POST /batch) get the same steps; their afterCommit hooks run once it commits.
 */

import { ApiError, type Problem } from '../errors/api-error.js';
import type { Model, ResourceDef, WriteKind } from '../model/model-types.js';
import type { Change, Decide, ModifyResult, Row, Store, TransactionOptions } from '../store/store.js';
import { type BoundCache, boundMember } from './bound-members.js';
import { brokenRules } from './business-rules.js';
import { type HookContext, type HookTable, hookReader, rejection } from './code-hooks.js';
import type { RecordValidator } from './record-validator.js';
import { missingReferences } from './reference-problems.js';
import { currentWriteScope, type WriteScope } from './write-scope.js';

export interface WriteStepsDeps {
  model: Model;
  validator: RecordValidator;
  hooks: HookTable;
}

/** The record changed between the hook's read and the write: run the steps again. */
const STALE = Symbol('stale');
const MAX_ATTEMPTS = 8;

/** The write kind (rules' `on`, hooks) of a planned change or of a store's result; none for no change. */
const WRITE_KINDS: Partial<Record<Change['kind'] | ModifyResult['kind'], WriteKind>> = {
  insert: 'create',
  inserted: 'create',
  update: 'update',
  updated: 'update',
  delete: 'delete',
  deleted: 'delete',
};
const kindOf = (change: { kind: Change['kind'] | ModifyResult['kind'] }): WriteKind | undefined =>
  WRITE_KINDS[change.kind];

const publicRow = (row: Row): Row => {
  const { _version, ...rest } = row;
  return rest;
};

/** `store` with the rules and hooks of `deps` around its writes; every other method unchanged. */
export function withWriteSteps(store: Store, deps: WriteStepsDeps, committed?: (() => void)[]): Store {
  const { model, validator, hooks } = deps;
  const reader = hookReader(model, store);
  const active = (r: ResourceDef) => r.rules.length > 0 || hooks.has(r.name);

  /** Rules for one write: throws 400, or the 422 of a missing reference (validation comes first). */
  async function checkRules(
    r: ResourceDef,
    kind: WriteKind,
    record: Row,
    previous: Row | undefined,
    scope: WriteScope,
  ) {
    const problems = brokenRules(r, { kind, record, previous, caller: scope.caller() });
    if (problems.length) throw await rulesError(r, kind, record, problems);
  }

  async function rulesError(r: ResourceDef, kind: WriteKind, record: Row, problems: Problem[]) {
    const missing = kind === 'delete' ? [] : await missingReferences(store, model, r, record);
    return new ApiError(missing.length ? missing : problems);
  }

  async function beforeWrite(
    r: ResourceDef,
    kind: WriteKind,
    record: Row,
    previous: Row | undefined,
    scope: WriteScope,
  ) {
    const hook = hooks.get(r.name)?.beforeWrite;
    if (!hook) return record;
    // The hook sees the whole record as it would be stored (an update keeps id, createdAt…).
    const draft = structuredClone(
      kind === 'update' && previous ? { ...publicRow(previous), ...record } : publicRow(record),
    );
    await hook({
      ...context(r, kind, draft, previous, scope),
      reject: (code, message) => {
        throw rejection(r.name, code, message);
      },
    });
    if (kind === 'delete') return record;
    // The hook's record is checked like a client's: an invalid one is the hook's fault (500), never stored.
    const declared: Row = {};
    for (const f of r.fields)
      if (draft[f.name] !== null && draft[f.name] !== undefined) declared[f.name] = draft[f.name];
    const problems = validator.validate(r, declared);
    if (problems.length)
      throw new Error(
        `the beforeWrite hook of ${r.name} left an invalid record: ${problems.map((p) => p.internalMessage).join('; ')}`,
      );
    const values: Row = { ...record };
    for (const f of r.fields) values[f.name] = declared[f.name] ?? null;
    return values;
  }

  function context(
    r: ResourceDef,
    kind: WriteKind,
    record: Row,
    previous: Row | undefined,
    scope: WriteScope,
  ): HookContext {
    return {
      resource: r.name,
      operation: kind,
      record,
      previous: previous ? publicRow(previous) : null,
      caller: scope.caller(),
      store: reader,
      traceId: scope.traceId,
    };
  }

  /** After the commit: never awaited by the write, failures logged with the trace id. */
  function afterCommit(
    r: ResourceDef,
    kind: WriteKind,
    row: Row,
    previous: Row | undefined,
    scope: WriteScope,
  ) {
    const hook = hooks.get(r.name)?.afterCommit;
    if (!hook) return;
    const ctx = context(r, kind, publicRow(row), previous, scope);
    const run = () =>
      void Promise.resolve()
        .then(() => hook(ctx))
        .catch((err: unknown) => {
          const log = scope.log ?? { error: (o: object, m: string) => console.error(m, o) };
          log.error(
            { err, traceId: scope.traceId },
            `the afterCommit hook of ${r.name} failed (the write stays committed)`,
          );
        });
    // Inside a transaction: once the outermost one has committed (never when it rolls back).
    if (committed) committed.push(run);
    else run();
  }

  /** The steps with a beforeWrite hook run in one transaction: the hook reads through it. */
  const inTransaction = <T>(r: ResourceDef, fn: (tx: Store) => Promise<T>): Promise<T> | undefined =>
    !committed && hooks.get(r.name)?.beforeWrite ? self.transaction(fn) : undefined;

  async function transaction<T>(fn: (tx: Store) => Promise<T>, options?: TransactionOptions): Promise<T> {
    const queue = committed ?? [];
    const out = await store.transaction((tx) => fn(withWriteSteps(tx, deps, queue)), options);
    if (!committed) for (const run of queue.splice(0)) run();
    return out;
  }

  async function insert(r: ResourceDef, values: Row): Promise<Row> {
    if (!active(r)) return store.insert(r, values);
    const wrapped = inTransaction(r, (tx) => tx.insert(r, values));
    if (wrapped) return wrapped;
    const scope = currentWriteScope();
    await checkRules(r, 'create', values, undefined, scope);
    const row = await store.insert(r, await beforeWrite(r, 'create', values, undefined, scope));
    afterCommit(r, 'create', row, undefined, scope);
    return row;
  }

  /** An import's rows: each one's rules and beforeWrite hook, then one store call, then each afterCommit. */
  async function insertMany(r: ResourceDef, rows: Row[]): Promise<Row[]> {
    if (!active(r)) return store.insertMany(r, rows);
    const wrapped = inTransaction(r, (tx) => tx.insertMany(r, rows));
    if (wrapped) return wrapped;
    const scope = currentWriteScope();
    const ready: Row[] = [];
    for (const values of rows) {
      await checkRules(r, 'create', values, undefined, scope);
      ready.push(await beforeWrite(r, 'create', values, undefined, scope));
    }
    const written = await store.insertMany(r, ready);
    for (const row of written) afterCommit(r, 'create', row, undefined, scope);
    return written;
  }

  async function modify(r: ResourceDef, id: unknown, decide: Decide): Promise<ModifyResult> {
    if (!active(r)) return store.modify(r, id, decide);
    if (!committed && hooks.get(r.name)?.beforeWrite) {
      // The record may change between the transaction's read and its write on PostgreSQL: run again.
      for (let attempt = 1; ; attempt++) {
        try {
          return await self.transaction((tx) => tx.modify(r, id, decide));
        } catch (e) {
          if (e !== STALE) throw e;
          if (attempt === MAX_ATTEMPTS)
            throw new Error(`${r.name}/${String(id)} kept changing while its beforeWrite hook ran`);
        }
      }
    }
    const scope = currentWriteScope();
    const result = hooks.get(r.name)?.beforeWrite
      ? await modifyWithHook(r, id, decide, scope)
      : await modifyWithRules(r, id, decide, scope);
    const kind = kindOf(result);
    if (kind) afterCommit(r, kind, result.row, result.previous, scope);
    return result.result;
  }

  type Outcome = { result: ModifyResult; kind: ModifyResult['kind']; row: Row; previous?: Row };
  const outcome = (result: ModifyResult, previous: Row | undefined): Outcome => ({
    result,
    kind: result.kind,
    row: result.row ?? {},
    previous,
  });

  /** Rules in the transaction, under the row lock. */
  async function modifyWithRules(
    r: ResourceDef,
    id: unknown,
    decide: Decide,
    scope: WriteScope,
  ): Promise<Outcome> {
    let refused: { kind: WriteKind; record: Row; problems: Problem[] } | undefined;
    let previous: Row | undefined;
    try {
      const result = await store.modify(r, id, (current) => {
        const change = decide(current);
        const kind = kindOf(change);
        if (!kind || change.kind === 'none') return change;
        previous = current;
        const record = change.kind === 'delete' ? current! : { ...current, ...change.values };
        const problems = brokenRules(r, { kind, record, previous: current, caller: scope.caller() });
        if (problems.length) {
          refused = { kind, record, problems };
          throw new ApiError(problems);
        }
        return change;
      });
      return outcome(result, previous);
    } catch (e) {
      if (refused) throw await rulesError(r, refused.kind, refused.record, refused.problems);
      throw e;
    }
  }

  /** The hook runs on the record as read; the write applies only to that same version. */
  /** Inside the transaction: the hook runs on the record as read, the write applies to that version only. */
  async function modifyWithHook(
    r: ResourceDef,
    id: unknown,
    decide: Decide,
    scope: WriteScope,
  ): Promise<Outcome> {
    const seen = await store.get(r, id);
    const change = decide(seen);
    const kind = kindOf(change);
    if (!kind || change.kind === 'none') return outcome(await store.modify(r, id, decide), undefined);
    const record = change.kind === 'delete' ? seen! : { ...seen, ...change.values };
    await checkRules(r, kind, record, seen, scope);
    const values = await beforeWrite(r, kind, change.kind === 'delete' ? seen! : change.values, seen, scope);
    const final: Change = change.kind === 'delete' ? change : { kind: change.kind, values };
    const result = await store.modify(r, id, (current) => {
      if (current?._version !== seen?._version) throw STALE;
      return final;
    });
    return outcome(result, seen);
  }

  async function deleteWhere(r: ResourceDef, where: Parameters<Store['deleteWhere']>[1]): Promise<number> {
    const deleteRules = r.rules.some((rule) => rule.on.includes('delete'));
    if (!deleteRules && !hooks.has(r.name)) return store.deleteWhere(r, where);
    const wrapped = inTransaction(r, (tx) => tx.deleteWhere(r, where));
    if (wrapped) return wrapped;
    const scope = currentWriteScope();
    const rows = await store.list(r, { where, sort: [{ field: 'id', desc: false }] });
    const problems = rows.flatMap((row) =>
      brokenRules(r, { kind: 'delete', record: row, previous: row, caller: scope.caller() }),
    );
    if (problems.length) throw new ApiError(problems);
    for (const row of rows) await beforeWrite(r, 'delete', row, row, scope);
    if (!rows.length) return 0;
    // Only the rows checked are deleted: one inserted meanwhile waits for the next request.
    const ids = rows.map((row) => row.id);
    const deleted = await store.deleteWhere(r, [...where, { field: 'id', op: 'in', value: ids }]);
    for (const row of rows) afterCommit(r, 'delete', row, row, scope);
    return deleted;
  }

  const steps: Partial<Store> = { insert, insertMany, modify, deleteWhere, transaction };
  // Every other member (and any the interface gains) is the store's own.
  const bound: BoundCache = new Map();
  const self: Store = new Proxy(store, {
    get(target, prop) {
      if (prop in steps) return steps[prop as keyof typeof steps];
      return boundMember(target, prop, bound);
    },
  });
  return self;
}
