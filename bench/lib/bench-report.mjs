/** Medians, ratios and goals of a run, as a console table, Markdown and JSON. */
import { TARGET_INFO } from './bench-targets.mjs';
import { skipReason, W5_VARIANTS, WORKLOADS } from './bench-workloads.mjs';

export const ROWS = [
  ...WORKLOADS.filter((w) => w.id !== 'W6'),
  ...W5_VARIANTS,
  ...WORKLOADS.filter((w) => w.id === 'W6'),
];
const isLatencyOnly = (id) => id.startsWith('W5');
export const COMPARED = [
  { key: 'ceiling', label: 'vs ceiling' },
  { key: 'hand-written', label: 'vs hand-written' },
  { key: 'json-server', label: 'vs json-server' },
];

export const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return undefined;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Per target and workload: the median of each figure over the rounds. */
export function summarise(runs) {
  const out = {};
  for (const [target, byWorkload] of Object.entries(runs)) {
    out[target] = {};
    for (const [w, rounds] of Object.entries(byWorkload)) {
      out[target][w] = {
        rps: median(rounds.map((r) => r.rps)),
        p50: median(rounds.map((r) => r.p50)),
        p99: median(rounds.map((r) => r.p99)),
        rssMb: median(rounds.map((r) => r.rssMb)),
        cpuUs: median(rounds.map((r) => r.cpuUs)),
        rounds: rounds.length,
        failedResponses: rounds.reduce((n, r) => n + r.non2xx + r.errors, 0),
      };
    }
  }
  return out;
}

/**
 * How many times faster verbo is than another target: requests/s ratio for throughput workloads,
 * inverse p50 ratio for the W5 latency workloads. Above 1: verbo is faster.
 */
export function ratio(summary, verbo, other, w) {
  const a = summary[verbo]?.[w];
  const b = summary[other]?.[w];
  if (!a || !b) return undefined;
  if (isLatencyOnly(w)) return a.p50 > 0 && b.p50 > 0 ? b.p50 / a.p50 : undefined;
  if (!b.rps) return a.rps ? Number.POSITIVE_INFINITY : undefined;
  return a.rps / b.rps;
}

/** The other's CPU time per request over verbo's (throughput workloads): the same question, less sensitive to other load. */
export function cpuRatio(summary, verbo, other, w) {
  const a = summary[verbo]?.[w]?.cpuUs;
  const b = summary[other]?.[w]?.cpuUs;
  return a > 0 && b > 0 ? b / a : undefined;
}

export function ratios(summary, verbo = 'verbo-sqlite') {
  const out = {};
  for (const row of ROWS) {
    out[row.id] = {};
    for (const c of COMPARED) out[row.id][c.key] = ratio(summary, verbo, c.key, row.id);
    out[row.id]['hand-written-cpu'] = cpuRatio(summary, verbo, 'hand-written', row.id);
  }
  return out;
}

/** The goals of the performance issues, checked against this run. */
export function goals(summary, r, peaks, options) {
  const v = summary['verbo-sqlite'] ?? {};
  const cursorVsFirst = v['W5-cursor'] && v['W5-first'] ? v['W5-cursor'].p50 / v['W5-first'].p50 : undefined;
  const rows = options.w5Rows.toLocaleString('en-US');
  const handWritten = (w, bar) => ({
    goal: `${w} ≥ ${bar.toFixed(1)}× hand-written`,
    value: r[w]?.['hand-written'],
    ok: r[w]?.['hand-written'] >= bar,
  });
  const pgOverSqlite = ratio(summary, 'verbo-pg', 'verbo-sqlite', 'W1');
  return [
    handWritten('W1', 1),
    {
      goal: 'W1 ≥ 1.3× hand-written (stretch)',
      value: r.W1?.['hand-written'],
      ok: r.W1?.['hand-written'] >= 1.3,
    },
    { goal: 'W1 ≥ 0.6× ceiling', value: r.W1?.ceiling, ok: r.W1?.ceiling >= 0.6 },
    {
      goal: 'W1 ≥ 1.0× hand-written, by CPU/request',
      value: r.W1?.['hand-written-cpu'],
      ok: r.W1?.['hand-written-cpu'] >= 1,
    },
    handWritten('W2', 0.9),
    handWritten('W3', 0.9),
    handWritten('W4', 0.9),
    handWritten('W6', 0.9),
    ...(summary['verbo-pg']
      ? [{ goal: 'PostgreSQL W1 ≥ 0.6× verbo on SQLite', value: pgOverSqlite, ok: pgOverSqlite >= 0.6 }]
      : []),
    { goal: 'W5 cursor p50 ≤ 1.5× page one p50', value: cursorVsFirst, ok: cursorVsFirst <= 1.5 },
    {
      goal: `verbo peak RSS < 150 MB with ${rows} rows`,
      value: peaks.w5?.['verbo-sqlite'],
      unit: 'MB',
      ok: peaks.w5?.['verbo-sqlite'] < 150,
    },
  ];
}

const fmt = (x, digits = 0) =>
  x === undefined || x === null || Number.isNaN(x)
    ? '–'
    : x === Number.POSITIVE_INFINITY
      ? '∞'
      : x.toFixed(digits);
const fmtMs = (x) => (x === undefined ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const fmtRatio = (x) =>
  x === undefined ? '–' : x === Number.POSITIVE_INFINITY ? '∞' : `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}×`;

function figureRows(result) {
  const rows = [];
  for (const w of ROWS) {
    for (const target of result.targets) {
      const s = result.summary[target]?.[w.id];
      const skip = skipReason(target, w.id, result.options);
      if (!s && !skip) continue;
      rows.push([
        w.id,
        TARGET_INFO[target].label,
        s ? fmt(s.rps) : skip ? `n/a: ${skip}` : '–',
        s ? fmtMs(s.p50) : '',
        s ? fmtMs(s.p99) : '',
        s ? fmt(s.cpuUs) : '',
        s ? fmt(s.rssMb) : '',
        s?.failedResponses ? String(s.failedResponses) : '',
      ]);
    }
  }
  return rows;
}

/** `--workers 2` over one worker, per store that ran it: [column title, verbo target, its two-worker target]. */
const WORKER_COLUMNS = [
  ['SQLite --workers 2 vs 1', 'verbo-sqlite', 'verbo-sqlite-w2'],
  ['PostgreSQL --workers 2 vs 1', 'verbo-pg', 'verbo-pg-w2'],
];
const workerColumns = (result) => WORKER_COLUMNS.filter(([, , two]) => result.targets.includes(two));

function ratioRows(result) {
  const pg = result.targets.includes('verbo-pg') ? ratios(result.summary, 'verbo-pg') : undefined;
  return ROWS.map((w) => [
    w.id,
    w.title,
    ...COMPARED.map((c) => fmtRatio(result.ratios[w.id][c.key])),
    fmtRatio(result.ratios[w.id]['hand-written-cpu']),
    ...(pg ? [fmtRatio(pg[w.id]['hand-written'])] : []),
    ...workerColumns(result).map(([, one, two]) => fmtRatio(ratio(result.summary, two, one, w.id))),
  ]);
}

const FIGURE_HEAD = ['workload', 'target', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'RSS MB', 'failed'];
const ratioHead = (result) => [
  'workload',
  '',
  ...COMPARED.map((c) => `verbo ${c.label}`),
  'same, by CPU/req',
  ...(result.targets.includes('verbo-pg') ? ['verbo-pg vs hand-written'] : []),
  ...workerColumns(result).map(([title]) => title),
];

function textTable(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells
      .map((c, i) => String(c).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}

const mdTable = (head, rows) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

function notes(result) {
  const o = result.options;
  return [
    `Machine: ${result.machine.cpu}, ${result.machine.cores} cores, Node ${result.machine.node}; load average at start ${result.machine.loadAverage.join(' / ')}.`,
    `${o.rounds} interleaved rounds of ${o.duration} s per workload and target after a ${o.warmup} s warm-up, ${o.connections} connections (autocannon); medians shown.`,
    `W1–W4, W6 over ${o.customers.toLocaleString('en-US')} customers and ${o.orders.toLocaleString('en-US')} orders. W5: latency of one request at a time (1 connection), ${o.w5Rows.toLocaleString('en-US')} rows, depth ${o.w5Depth.toLocaleString('en-US')}${o.quick ? ' (--quick: fewer rows than the full run’s 1,000,000)' : ''}.`,
    'Ratios: verbo’s requests/s over the other’s (W5: the other’s p50 over verbo’s); above 1 means verbo is faster. CPU µs/req: the server process’s CPU time per completed request (steadier than req/s on a shared machine). RSS: the largest VmRSS sampled during the runs.',
  ];
}

export function consoleReport(result) {
  const goalLines = result.goals.map(
    (g) =>
      `  ${g.ok ? 'met ' : 'MISS'}  ${g.goal}: ${g.unit ? fmt(g.value) + ' ' + g.unit : fmtRatio(g.value)}`,
  );
  return [
    textTable(FIGURE_HEAD, figureRows(result)),
    '',
    textTable(ratioHead(result), ratioRows(result)),
    '',
    'Goals:',
    ...goalLines,
    '',
    ...notes(result),
  ].join('\n');
}

export function markdownReport(result) {
  const goalLines = result.goals.map(
    (g) => `- ${g.ok ? '✅' : '❌'} ${g.goal}: ${g.unit ? fmt(g.value) + ' ' + g.unit : fmtRatio(g.value)}`,
  );
  return [
    mdTable(ratioHead(result), ratioRows(result)),
    '',
    mdTable(FIGURE_HEAD, figureRows(result)),
    '',
    ...goalLines,
    '',
    ...notes(result).map((n) => `${n}`),
  ].join('\n');
}
