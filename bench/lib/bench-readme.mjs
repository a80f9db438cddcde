/** Puts the latest full run's table into README.md, between `<!-- bench:start -->` and `<!-- bench:end -->`. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** True when the README had the markers and now holds `markdown` between them. */
export function updateReadmeTable(root, markdown) {
  const file = join(root, 'README.md');
  const text = readFileSync(file, 'utf8');
  const i = text.indexOf(START);
  const j = text.indexOf(END);
  if (i < 0 || j < i) return false;
  writeFileSync(file, `${text.slice(0, i + START.length)}\n${markdown.trim()}\n${text.slice(j)}`);
  return true;
}
