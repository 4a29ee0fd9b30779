/** Percentile of an ascending array (nearest rank). */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const PERCENTILES = [50, 75, 90, 95, 99, 99.9, 100];

/** p50/p90/p99/p99.9/max (and the full ladder in `ladder`) of latencies in ms, rounded to µs. */
export function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  const round = (v) => Math.round(v * 1000) / 1000;
  const ladder = Object.fromEntries(PERCENTILES.map((p) => [p === 100 ? 'max' : `p${p}`, round(percentile(sorted, p))]));
  let sum = 0;
  for (const v of sorted) sum += v;
  return { count: sorted.length, mean: round(sum / sorted.length), p50: ladder.p50, p90: ladder.p90, p99: ladder.p99, 'p99.9': ladder['p99.9'], max: ladder.max, ladder };
}

export const ms = (value) => (Number.isFinite(value) ? (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)) : '—');

/** A plain-text table, columns padded. */
export function table(headers, rows) {
  const cells = [headers, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** The same table as Markdown. */
export function markdownTable(headers, rows) {
  return [`| ${headers.join(' | ')} |`, `|${headers.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}
