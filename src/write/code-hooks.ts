/**
 * Code hooks (`hooks: ./crm-hooks.mjs`, docs/rules.md#code-hooks): what a declaration cannot say.
 * The module exports, per resource name, `{ beforeWrite(ctx), afterCommit(ctx) }` (named exports
 * or a default object). `beforeWrite` may change `ctx.record` or `ctx.reject(code, message)`;
 * `afterCommit` runs once the write is committed and cannot undo it.
 */
import { pathToFileURL } from 'node:url';
import { ApiError } from '../errors/api-error.js';
import type { ExpressionCaller } from '../model/expressions/cel-environment.js';
import type { LocalText, Model, WriteKind } from '../model/model-types.js';
import type { Row, Store } from '../store/store.js';

/** Reads, for a hook, by resource name. */
export interface HookReader {
  get(resource: string, id: unknown): Promise<Row | undefined>;
  /** Records whose fields equal `where` (at most `limit`, default 100). */
  list(resource: string, where?: Record<string, unknown>, limit?: number): Promise<Row[]>;
}

export interface HookContext {
  resource: string;
  operation: WriteKind;
  /** The record to store (beforeWrite: change it in place to change what is stored) or stored. */
  record: Row;
  /** The record before the write (updates and deletes), else null. */
  previous: Row | null;
  caller: ExpressionCaller | null;
  store: HookReader;
  traceId?: string;
}

export interface BeforeWriteContext extends HookContext {
  /** Refuses the write: 400 with `code` (SCREAMING_SNAKE_CASE) and the message in the client's language. */
  reject(code: string, message: LocalText | string): never;
}

export interface ResourceHooks {
  beforeWrite?(ctx: BeforeWriteContext): void | Promise<void>;
  afterCommit?(ctx: HookContext): void | Promise<void>;
}

export type HookTable = ReadonlyMap<string, ResourceHooks>;

const CODE = /^[A-Z][A-Z0-9_]{2,63}$/;

/** Thrown by `ctx.reject`: 400 with the hook's code (BUSINESS_RULE_VIOLATED's status and stage). */
export function rejection(resource: string, code: unknown, message: unknown): ApiError {
  if (typeof code !== 'string' || !CODE.test(code))
    throw new Error(
      `a beforeWrite hook of ${resource} rejected with ${JSON.stringify(code)}, not a SCREAMING_SNAKE_CASE code`,
    );
  const text =
    typeof message === 'string'
      ? { en: message }
      : typeof message === 'object' && message !== null && typeof (message as LocalText).en === 'string'
        ? (message as LocalText)
        : undefined;
  return new ApiError([
    {
      code: 'BUSINESS_RULE_VIOLATED',
      shownCode: code,
      internalMessage: `the beforeWrite hook of ${resource} rejected the write with ${code}`,
      vars: { rule: code },
      ...(text ? { text } : {}),
    },
  ]);
}

/** Imports the hooks module of `model` and checks it names only declared resources and functions. */
export async function loadHooks(model: Model): Promise<HookTable> {
  const table = new Map<string, ResourceHooks>();
  if (!model.hooks) return table;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(model.hooks).href)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`hooks: cannot load ${model.hooks}: ${(e as Error).message}`);
  }
  const exported = { ...(mod.default as Record<string, unknown> | undefined), ...mod };
  delete exported.default;
  for (const [name, value] of Object.entries(exported)) {
    if (!model.byName.has(name))
      throw new Error(
        `hooks: ${model.hooks} exports ${name}, which is not a resource (${model.resources.map((r) => r.name).join(', ')})`,
      );
    const hooks = value as Record<string, unknown>;
    for (const key of Object.keys(hooks ?? {}))
      if ((key !== 'beforeWrite' && key !== 'afterCommit') || typeof hooks[key] !== 'function')
        throw new Error(`hooks: ${name}.${key} must be beforeWrite(ctx) or afterCommit(ctx), a function`);
    table.set(name, hooks as ResourceHooks);
  }
  return table;
}

/** The reads a hook may make, over the store the write goes through. */
export function hookReader(model: Model, store: Store): HookReader {
  const resource = (name: string) => {
    const r = model.byName.get(name);
    if (!r) throw new Error(`no resource named ${name}`);
    return r;
  };
  return {
    get: (name, id) => store.get(resource(name), id),
    list: (name, where = {}, limit = 100) =>
      store.list(resource(name), {
        where: Object.entries(where).map(([field, value]) => ({ field, op: 'eq' as const, value })),
        sort: [{ field: 'id', desc: false }],
        limit,
      }),
  };
}
