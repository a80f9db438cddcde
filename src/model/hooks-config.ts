/** `hooks:` (docs/rules.md#code-hooks): the path of a JavaScript module, relative to the config file. */
import { dirname, isAbsolute, resolve } from 'node:path';

type Report = (path: (string | number)[], message: string) => void;

/** The module's absolute path, or undefined (nothing declared, or a problem reported). */
export function readHooksPath(raw: unknown, configFile: string, report: Report): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/\.(m?js)$/.test(raw)) {
    report(['hooks'], 'must be the path of a JavaScript module (.mjs or .js), e.g. ./crm-hooks.mjs');
    return undefined;
  }
  return isAbsolute(raw) ? raw : resolve(dirname(resolve(configFile)), raw);
}
