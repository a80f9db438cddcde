/** Argument parsing shared by the commands: node:util parseArgs, one-line errors plus usage. */
import { parseArgs } from 'node:util';
import { closestName } from '../model/closest-name.js';

export class UsageError extends Error {}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
type Values<T extends OptionSpec> = {
  [K in keyof T]?: T[K]['type'] extends 'string'
    ? T[K]['multiple'] extends true
      ? string[]
      : string
    : boolean;
} & { help?: boolean };

export function parseCommandArgs<T extends OptionSpec>(
  args: string[],
  options: T,
): { values: Values<T>; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: parsed.values as Values<T>, positionals: parsed.positionals };
  } catch (e) {
    const unknown = /^Unknown option '(-{1,2})([^']+)'/.exec((e as Error).message);
    if (unknown) {
      const near = closestName(unknown[2], Object.keys(options));
      throw new UsageError(
        `unknown option ${unknown[1]}${unknown[2]}${near ? `. Did you mean --${near}?` : ''}`,
      );
    }
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
}
