/** A hand-drawn SVG bar chart of verbo's speed ratios (log scale, 1× = parity). */
import { COMPARED, ROWS } from './bench-report.mjs';

const COLORS = { ceiling: '#8c8c8c', 'hand-written': '#2b6cb0', 'json-server': '#dd6b20' };
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const TICKS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

export function ratiosSvg(result) {
  const values = ROWS.flatMap((w) => COMPARED.map((c) => result.ratios[w.id][c.key])).filter(
    (x) => x > 0 && Number.isFinite(x),
  );
  const lo = Math.min(0.5, ...values);
  const hi = Math.max(2, ...values);
  const min = [...TICKS].reverse().find((t) => t <= lo) ?? TICKS[0];
  const max = TICKS.find((t) => t >= hi) ?? TICKS[TICKS.length - 1];
  const left = 190;
  const width = 560;
  const bar = 11;
  const group = COMPARED.length * bar + 14;
  const top = 76;
  const height = top + ROWS.length * group + 40;
  const x = (v) =>
    Math.round(
      (left + ((Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))) * width) * 10,
    ) / 10;
  const out = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="verbo speed ratios" width="${left + width + 70}" height="${height}" font-family="system-ui, sans-serif" font-size="12">`,
  );
  out.push(
    '<title>verbo benchmark: speed ratios against the ceiling, a hand-written API and json-server</title>',
  );
  out.push(`<rect width="100%" height="100%" fill="#fff"/>`);
  out.push(
    `<text x="10" y="20" font-size="15" font-weight="600">verbo (SQLite): times as fast as each alternative (log scale; right of 1× = verbo faster)</text>`,
  );
  const m = result.machine;
  out.push(
    `<text x="10" y="38" fill="#555">${esc(`${result.startedAt.slice(0, 10)} · ${m.cpu}, ${m.cores} cores · Node ${m.node} · ${result.options.quick ? '--quick' : 'full run'} · medians of ${result.options.rounds} rounds`)}</text>`,
  );
  COMPARED.forEach((c, i) => {
    out.push(
      `<rect x="${10 + i * 170}" y="50" width="12" height="12" fill="${COLORS[c.key]}"/><text x="${27 + i * 170}" y="60">${esc(c.label)}</text>`,
    );
  });
  for (const t of TICKS.filter((t) => t >= min && t <= max)) {
    out.push(
      `<line x1="${x(t)}" y1="${top - 6}" x2="${x(t)}" y2="${height - 30}" stroke="${t === 1 ? '#000' : '#e2e2e2'}" stroke-width="${t === 1 ? 1.5 : 1}"/>`,
    );
    out.push(`<text x="${x(t)}" y="${height - 14}" text-anchor="middle" fill="#555">${t}×</text>`);
  }
  ROWS.forEach((w, row) => {
    const y0 = top + row * group;
    out.push(
      `<text x="${left - 8}" y="${y0 + group / 2}" text-anchor="end"><title>${esc(w.title)}</title>${esc(w.short)}</text>`,
    );
    COMPARED.forEach((c, i) => {
      const v = result.ratios[w.id][c.key];
      const y = y0 + i * bar + 2;
      if (!(v > 0) || !Number.isFinite(v)) {
        if (v === Number.POSITIVE_INFINITY)
          out.push(
            `<text x="${left + 4}" y="${y + bar - 2}" fill="#999" font-size="10">${esc(c.label)}: it completed no request</text>`,
          );
        return;
      }
      const a = x(Math.max(min, Math.min(1, v)));
      const b = x(Math.min(max, Math.max(1, v)));
      out.push(
        `<rect x="${a}" y="${y}" width="${Math.max(1, Math.round((b - a) * 10) / 10)}" height="${bar - 2}" fill="${COLORS[c.key]}"><title>${esc(`${w.title} ${c.label}: ${v.toFixed(2)}×`)}</title></rect>`,
      );
      out.push(
        `<text x="${v >= 1 ? b + 4 : a - 4}" y="${y + bar - 3}" font-size="10" text-anchor="${v >= 1 ? 'start' : 'end'}">${v >= 10 ? v.toFixed(0) : v.toFixed(2)}×</text>`,
      );
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
