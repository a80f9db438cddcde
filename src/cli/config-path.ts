import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { findConfig } from '../model/config-loader.js';
import { UsageError } from './cli-args.js';

/** The CONFIG argument, or verbo.yaml / verbo.json in the current directory. */
export function configPath(positional: string | undefined): string {
  if (positional) {
    const file = resolve(positional);
    if (!existsSync(file)) throw new Error(`the config file ${file} does not exist`);
    return file;
  }
  const found = findConfig(process.cwd());
  if (!found) throw new UsageError('no config given and no verbo.yaml or verbo.json in this directory');
  return found;
}
