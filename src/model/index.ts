export { buildModel } from './build-model.js';
export type { LoadedConfig } from './config-loader.js';
export { findConfig, loadConfigFile, parseConfigText } from './config-loader.js';
export type { ConfigProblem } from './config-problem.js';
export { ConfigError, formatProblem } from './config-problem.js';
export { fieldTypes } from './field-registry.js';
export type { FieldType, JsonSchema, ParsedValue, StorageKind } from './field-type.js';
export * from './model-types.js';

import { buildModel } from './build-model.js';
import { loadConfigFile } from './config-loader.js';
import type { Model } from './model-types.js';

/** Reads and validates a config file; throws ConfigError listing every problem. */
export function loadModel(file: string): Model {
  return buildModel(loadConfigFile(file));
}
