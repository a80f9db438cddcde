export { applyJsonPatch, type JsonPatchOperation, jsonEqual, validatePatchDocument } from './json-patch.js';
export {
  escapeToken,
  formatPointer,
  type JsonContainer,
  type JsonObject,
  type Lookup,
  parsePointer,
  resolvePointer,
  resolveTokens,
} from './json-pointer.js';
export { applyMergePatch } from './merge-patch.js';
export { PatchError, type PatchErrorDetails, type PatchErrorKind } from './patch-error.js';
