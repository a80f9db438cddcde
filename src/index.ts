/** verbo as a library: load a model, open a store, build the app. */
export { buildApp, type AppOptions } from './http/app.js';
export { buildModel, ConfigError, loadModel, parseConfigText } from './model/index.js';
export type { Model, ResourceDef, FieldDef } from './model/index.js';
export { openStore } from './store/open-store.js';
export type { Store } from './store/store.js';
