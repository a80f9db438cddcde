/**
 * The 400 for a body that is not JSON: where the syntax breaks (line, column, byte offset), said
 * once, in verbo's words rather than the parser's wrapper (docs/errors.md, MALFORMED_JSON).
 * jsonc-parser (strict: no comments, no trailing commas) finds the first error's offset, which
 * JSON.parse does not always give.
 */
import { type ParseError, printParseErrorCode, visit } from 'jsonc-parser';
import { ApiError } from '../errors/api-error.js';

const WHAT: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'a property name in double quotes was expected',
  ValueExpected: 'a value was expected',
  ColonExpected: "':' was expected",
  CommaExpected: "',' was expected",
  CloseBraceExpected: "'}' was expected",
  CloseBracketExpected: "']' was expected",
  EndOfFileExpected: 'nothing may follow the value',
  InvalidCommentToken: 'comments are not JSON',
  UnexpectedEndOfComment: 'comments are not JSON',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'malformed number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape',
  InvalidCharacter: 'control character in a string',
};

/** The first syntax error of `text`: its offset and what went wrong (the end of the text if none is found). */
function firstError(text: string): { at: number; what: string } {
  let found: ParseError | undefined;
  visit(
    text,
    {
      onError: (error, offset, length) => {
        found ??= { error, offset, length };
      },
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  if (!found) return { at: text.length, what: 'not valid JSON' };
  const name = printParseErrorCode(found.error);
  return { at: Math.min(found.offset, text.length), what: WHAT[name] ?? name };
}

/** The MALFORMED_JSON error for `text`, which JSON.parse refused. */
export function malformedJson(text: string): ApiError {
  const { at, what } = firstError(text);
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  // Columns count characters (code points) from 1, as editors do.
  const column = [...before.slice(before.lastIndexOf('\n') + 1)].length + 1;
  const byte = Buffer.byteLength(before, 'utf8');
  return ApiError.of(
    'MALFORMED_JSON',
    `the body is not valid JSON: ${what} at line ${line}, column ${column} (byte ${byte})`,
    { message: 'body.jsonSyntaxAt', vars: { line: String(line), column: String(column) } },
  );
}
