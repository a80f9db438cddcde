/** `verbo openapi [CONFIG]`: prints the OpenAPI 3.1 document of the API that CONFIG declares. */
import { ERROR_CATALOGUE } from '../errors/error-catalogue.js';
import { loadModel } from '../model/index.js';
import { buildOpenApi } from '../openapi/openapi-builder.js';
import { parseCommandArgs } from './cli-args.js';
import { configPath } from './config-path.js';

export const OPENAPI_USAGE = `Usage: verbo openapi [CONFIG] [--production]

Prints the OpenAPI 3.1 document (JSON) of the API declared in CONFIG (default: ./verbo.yaml or
./verbo.json): the same document a running server answers at GET /openapi.json.

Options:
  --production   describe the server as a production environment`;

export async function openapiCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { production: { type: 'boolean' } });
  if (values.help) {
    console.log(OPENAPI_USAGE);
    return 0;
  }
  const model = loadModel(configPath(positionals[0]));
  const doc = buildOpenApi(model, {
    errorCodes: ERROR_CATALOGUE,
    environment: values.production ? 'production' : 'local',
  });
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  return 0;
}
