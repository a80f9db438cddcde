/**
 * Integer literals a double cannot carry exactly (docs/http-semantics.md): `9007199254740993` parses as
 * …992, so a body holding one is refused (422 INEXACT_NUMBER) rather than stored rounded. The
 * literals are found on the raw text by request-limits.ts#checkJsonShape; here they are judged
 * and named.
 */
import { ApiError, type Problem } from '../../errors/api-error.js';
import { pathsAt, toPointer } from './json-pointers-at.js';

/** At most this many inexact integers are named in one refusal. */
const MAX_NAMED = 20;

/** Throws INEXACT_NUMBER naming the integer literals at `offsets`, but those left to the validator. */
export function refuseInexactIntegers(
  text: string,
  offsets: number[],
  exempt: ReadonlySet<string> | undefined,
): void {
  const problems: Problem[] = [];
  const paths = pathsAt(text, offsets);
  for (let k = 0; k < paths.length && problems.length < MAX_NAMED; k++) {
    const path = paths[k];
    if (exempt && path.length === 1 && exempt.has(String(path[0]))) continue;
    const literal = numberAt(text, offsets[k]);
    const pointer = toPointer(path);
    problems.push({
      code: 'INEXACT_NUMBER',
      internalMessage: `the integer ${literal} at ${pointer || 'the top level'} is beyond 2^53 and would be rounded to ${Number(literal)}; send it as a string`,
      pointer,
    });
  }
  if (problems.length) throw new ApiError(problems);
}

const numberAt = (text: string, at: number): string => /^-?[0-9]+/.exec(text.slice(at, at + 400))![0];

/**
 * Whether an integer literal (more than 15 digits) is carried exactly by a double: a safe integer,
 * or one a double holds exactly (2^60). One past a double's range is left to NUMBER_OUT_OF_RANGE.
 */
export function isExactIntegerLiteral(literal: string): boolean {
  const n = Number(literal);
  return Number.isSafeInteger(n) || !Number.isFinite(n) || BigInt(literal) === BigInt(n);
}
