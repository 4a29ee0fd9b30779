// Small SVG charts, rendered to PNG by headless Chromium (playwright-core, Debian's chromium).
const COLORS = ['#1f6feb', '#d1242f', '#2da44e', '#bf8700', '#8250df', '#57606a'];
const esc = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;');

function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/**
 * A line chart. `series`: [{name, points: [[x, y], …]}]. With `categories`, x values are
 * indexes into it (evenly spaced labels); otherwise x is numeric. `logY` for latencies.
 */
export function lineChart({ title, xLabel, yLabel, series, categories, logY = false, width = 560, height = 340, targets = [] }) {
  const left = 64, right = 16, top = 36, bottom = 48;
  const w = width - left - right, h = height - top - bottom;
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).concat(targets.map((t) => t.y)).filter((y) => Number.isFinite(y));
  const xMin = categories ? 0 : Math.min(...xs, 0);
  const xMax = categories ? Math.max(categories.length - 1, 1) : Math.max(...xs, 1);
  let yMin = 0, yMax = niceMax(Math.max(...ys) * 1.05);
  let yTicks;
  if (logY) {
    yMin = 10 ** Math.floor(Math.log10(Math.max(Math.min(...ys.filter((y) => y > 0)), 1e-3)));
    yMax = 10 ** Math.ceil(Math.log10(Math.max(...ys)));
    if (yMax <= yMin) yMax = yMin * 10;
    yTicks = [];
    for (let v = yMin; v <= yMax * 1.0001; v *= 10) yTicks.push(v);
  } else {
    yTicks = Array.from({ length: 6 }, (_, i) => (yMax * i) / 5);
  }
  const sx = (x) => left + ((x - xMin) / (xMax - xMin || 1)) * w;
  const sy = (y) => (logY ? top + h - ((Math.log10(Math.max(y, yMin)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * h : top + h - (y / yMax) * h);
  const fmt = (v) => (v >= 1000 ? `${+(v / 1000).toFixed(1)}k` : `${+v.toPrecision(3)}`);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`, `<rect width="100%" height="100%" fill="#fff"/>`];
  parts.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`);
  for (const v of yTicks) {
    parts.push(`<line x1="${left}" x2="${left + w}" y1="${sy(v)}" y2="${sy(v)}" stroke="#eaeef2"/>`);
    parts.push(`<text x="${left - 6}" y="${sy(v) + 4}" text-anchor="end">${fmt(v)}</text>`);
  }
  const xTicks = categories ? categories.map((label, i) => [i, label]) : [...new Set(xs)].sort((a, b) => a - b).map((x) => [x, fmt(x)]);
  for (const [x, label] of xTicks) parts.push(`<text x="${sx(x)}" y="${top + h + 16}" text-anchor="middle">${esc(label)}</text>`);
  parts.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + h}" stroke="#57606a"/><line x1="${left}" x2="${left + w}" y1="${top + h}" y2="${top + h}" stroke="#57606a"/>`);
  parts.push(`<text x="${left + w / 2}" y="${height - 8}" text-anchor="middle">${esc(xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${top + h / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  for (const target of targets) {
    parts.push(`<line x1="${left}" x2="${left + w}" y1="${sy(target.y)}" y2="${sy(target.y)}" stroke="#57606a" stroke-dasharray="5 4"/>`);
    parts.push(`<text x="${left + w - 4}" y="${sy(target.y) - 4}" text-anchor="end" fill="#57606a">${esc(target.label)}</text>`);
  }
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const pts = s.points.filter((p) => Number.isFinite(p[1]));
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => `${sx(p[0])},${sy(p[1])}`).join(' ')}"/>`);
    for (const p of pts) parts.push(`<circle cx="${sx(p[0])}" cy="${sy(p[1])}" r="3" fill="${color}"/>`);
    parts.push(`<rect x="${left + 10}" y="${top + 6 + i * 16}" width="10" height="10" fill="${color}"/><text x="${left + 24}" y="${top + 15 + i * 16}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** The latency ladder (p50 … max) of several runs as one chart. */
export function latencyChart(title, runs, targets = []) {
  const categories = ['p50', 'p75', 'p90', 'p95', 'p99', 'p99.9', 'max'];
  return lineChart({
    title,
    xLabel: 'percentile',
    yLabel: 'latency (ms, log scale)',
    categories,
    logY: true,
    targets,
    series: runs.map(({ name, ladder }) => ({ name, points: categories.map((key, i) => [i, ladder[key]]) })),
  });
}

/** Renders each entry {file, svgs: [svg, …]} as one PNG with its charts side by side. */
export async function renderPngs(entries) {
  if (entries.length === 0) return [];
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (error) {
    console.warn(`charts skipped: playwright-core unavailable (${error.message})`);
    return [];
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 30_000,
  });
  const written = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 400 } });
    for (const { file, svgs } of entries) {
      await page.setContent(`<html><body style="margin:0;background:#fff"><div id="c" style="display:inline-flex;gap:8px;padding:8px">${svgs.join('')}</div></body></html>`);
      await page.locator('#c').screenshot({ path: file });
      written.push(file);
    }
  } finally {
    await browser.close();
  }
  return written;
}
