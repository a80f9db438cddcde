/** The record schemas live in the model layer (OpenAPI reads them too); re-exported for the http layer. */
export { fieldSchema, isOptionalOnWrite, writeSchema } from '../../model/record-schema.js';
