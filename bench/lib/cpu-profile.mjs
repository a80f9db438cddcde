/** Summarises a V8 .cpuprofile: self time per function and per file, largest first. */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

export function summariseProfile(file, root = process.cwd()) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const functions = new Map();
  const files = new Map();
  for (const [id, us] of selfUs) {
    const { callFrame: f } = byId.get(id);
    const where = f.url ? relative(root, f.url.replace(/^file:\/\//, '')) : '';
    const name = `${f.functionName || '(anonymous)'} ${where ? `${where}:${f.lineNumber + 1}` : ''}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + us);
    const group = where.startsWith('node_modules/')
      ? where
          .split('/')
          .slice(0, where.split('/')[1].startsWith('@') ? 3 : 2)
          .join('/')
      : where || `(${f.functionName || 'native'})`;
    files.set(group, (files.get(group) ?? 0) + us);
  }
  const top = (m, n) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / total }));
  return { totalMs: total / 1000, functions: (n) => top(functions, n), files: (n) => top(files, n) };
}

export function formatSummary(s, n = 25) {
  const line = (r) =>
    `${(r.share * 100).toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}`;
  return [
    `total sampled: ${s.totalMs.toFixed(0)} ms`,
    '',
    `top ${n} functions by self time:`,
    ...s.functions(n).map(line),
    '',
    'by file / package:',
    ...s.files(n).map(line),
  ].join('\n');
}
