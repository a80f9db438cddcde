/**
 * Shell blocks of the docs: the script to run, and the HTTP status each `curl` call should get.
 *
 * Two shapes are read:
 * - a script: every line runs; a call's expected status is a comment on its last line or on the
 *   comment lines right after it that starts with the status (`# 201 …`, `# → 412`) or shows an
 *   error envelope (`# [{"code":…,"status":422,…}]`);
 * - a transcript: lines starting with `$ ` (and their `\` continuations) run, the other lines are
 *   their output, whose `HTTP/1.1 NNN` status line (or an envelope's `"status":NNN`) is expected.
 * A curl call without a stated status must succeed (a status below 400).
 */

export interface ShellCommand {
  text: string;
  /** The status the doc states for it, when it states one. */
  claim?: number;
  isCurl: boolean;
}

export interface ShellScript {
  transcript: boolean;
  script: string;
  commands: ShellCommand[];
}

const CLAIM_IN_COMMENT = /^#\s*(?:→\s*)?([1-5]\d\d)\b/;
const CLAIM_IN_ENVELOPE = /"status":\s*([1-5]\d\d)\b/;
const STATUS_LINE = /^HTTP\/[\d.]+ ([1-5]\d\d)\b/;
const CURL_CALL = /(^|[\s;&|(])curl\s/;

export function parseShell(code: string): ShellScript {
  const lines = code.split('\n');
  const transcript = lines.some((l) => l.startsWith('$ '));
  const commands: ShellCommand[] = [];
  let current: ShellCommand | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const startsCommand = transcript ? line.startsWith('$ ') : !/^\s*(#|$)/.test(line);
    if (!startsCommand) {
      if (current && current.claim === undefined) current.claim = claimIn(line.trim(), transcript);
      continue;
    }
    let text = transcript ? line.slice(2) : line;
    while (scan(text).incomplete && i + 1 < lines.length) text += `\n${lines[++i]}`;
    const { command, comment } = scan(text);
    current = { text, isCurl: CURL_CALL.test(command), claim: comment ? claimIn(comment, false) : undefined };
    commands.push(current);
  }
  const script = transcript ? commands.map((c) => c.text).join('\n') : code;
  return { transcript, script, commands };
}

function claimIn(text: string, transcript: boolean): number | undefined {
  const m =
    (transcript ? STATUS_LINE.exec(text) : CLAIM_IN_COMMENT.exec(text)) ??
    ((transcript || text.startsWith('#')) && CLAIM_IN_ENVELOPE.exec(text));
  return m ? Number(m[1]) : undefined;
}

/**
 * Reads a command's text: its trailing `# comment` (outside quotes), and whether it goes on to the
 * next line (an open quote, or a `\\` at the end).
 */
function scan(text: string): { command: string; comment?: string; incomplete: boolean } {
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = '';
      else if (ch === '\\' && quote === '"') i++;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '\\') i++;
    else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1])))
      return { command: text.slice(0, i), comment: text.slice(i).trim(), incomplete: false };
  }
  return { command: text, incomplete: quote !== '' || text.endsWith('\\') };
}

/**
 * Shell variables a block assigns (`API=…`), kept for the file's later blocks, as in one terminal:
 * the script ends by appending their definitions to `file`, which the next scripts source.
 */
export function keepVariables(script: string, file: string): string {
  const names = [...new Set([...script.matchAll(/^\s*([A-Za-z_]\w*)=/gm)].map((m) => m[1]))];
  const save = names.length ? `\ndeclare -p ${names.join(' ')} >> '${file}' 2>/dev/null || true` : '';
  return `touch '${file}'; source '${file}'\n${script}${save}`;
}

/** Defines `curl` so that each call reports its status on stderr, after the call's own output. */
export const CURL_STATUS_PRELUDE = `curl() { command curl --no-progress-meter --write-out '%{stderr}\\n@@docs-test status %{http_code}\\n' "$@"; }`;

const STATUS_MARK = /\n?@@docs-test status (\d{3})\n/g;

/** The statuses the calls got, and stderr without the status marks. */
export function readStatuses(stderr: string): { statuses: number[]; stderr: string } {
  const statuses = [...stderr.matchAll(STATUS_MARK)].map((m) => Number(m[1]));
  return { statuses, stderr: stderr.replace(STATUS_MARK, '\n') };
}

/** Problems with the statuses the curl calls got, compared with what the doc states. */
export function statusProblems(commands: ShellCommand[], statuses: number[]): string[] {
  const calls = commands.filter((c) => c.isCurl);
  if (calls.length !== statuses.length)
    return [`${calls.length} curl commands in the block, ${statuses.length} calls made`];
  const problems: string[] = [];
  calls.forEach((c, i) => {
    const got = statuses[i];
    const ok = c.claim !== undefined ? got === c.claim : got >= 200 && got < 400;
    if (!ok)
      problems.push(`${c.text.split('\n')[0]}\n  → ${got}, the doc says ${c.claim ?? 'success (< 400)'}`);
  });
  return problems;
}
