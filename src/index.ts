/** verbo as a library: load a model, open a store, build the app. */
export { type AppOptions, buildApp } from './http/app.js';
export type { FieldDef, Model, ResourceDef } from './model/index.js';
export { buildModel, ConfigError, loadModel, parseConfigText } from './model/index.js';
export { openStore } from './store/open-store.js';
export type { Store } from './store/store.js';
export type { BeforeWriteContext, HookContext, HookReader, ResourceHooks } from './write/code-hooks.js';
