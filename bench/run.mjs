#!/usr/bin/env node
// pns benchmark harness: `npm run bench` runs every scenario, `npm run bench -- ingest push`
// the ones named. Each scenario measures pns and a baseline in the same run on one embedded
// PostgreSQL, prints a table and writes bench/results/<scenario>.json and .png.
// Sizes and durations: BENCH_* variables (see docs/performance.md).
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { removeBuilds } from './lib/build-at.mjs';
import { renderPngs } from './lib/chart.mjs';
import { buildPns, machine, ROOT, startDatabase } from './lib/env.mjs';
import { killAll } from './lib/procs.mjs';
import { summarizeProfiles } from './lib/profile.mjs';
import { markdownTable, table } from './lib/stats.mjs';

function gitCommit() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'prisma'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} + uncommitted changes in src/ or prisma/` : head;
  } catch {
    return 'unknown';
  }
}

const SCENARIOS = ['ingest', 'batch', 'push', 'connections', 'volume', 'retention', 'peer', 'inbox'];
// Every run stops by itself: a scenario that hangs is cut here and the harness cleans up.
const RUN_DEADLINE_MS = Number(process.env.BENCH_DEADLINE_MS ?? 60 * 60_000);

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = requested.filter((name) => !SCENARIOS.includes(name));
if (unknown.length > 0) {
  console.error(`unknown scenario ${unknown.join(', ')}; choose from ${SCENARIOS.join(', ')}`);
  process.exit(2);
}
const chosen = requested.length > 0 ? SCENARIOS.filter((name) => requested.includes(name)) : SCENARIOS;

// BENCH_RESULTS_DIR keeps an experiment's results apart from the committed ones.
const resultsDir = process.env.BENCH_RESULTS_DIR ? resolve(process.env.BENCH_RESULTS_DIR) : join(ROOT, 'bench/results');
const profileDir = join(resultsDir, 'profiles');
let db;

async function main() {
  await mkdir(resultsDir, { recursive: true });
  const profile = process.env.BENCH_PROFILE === '1';
  if (profile) await rm(profileDir, { recursive: true, force: true });
  await buildPns();
  db = await startDatabase();
  const ctx = { db, profile, profileDir, machine: { ...machine(), postgres: db.version, pnsCommit: gitCommit() } };
  console.log(`pns ${ctx.machine.pnsCommit}; machine: ${ctx.machine.nproc} cores ${ctx.machine.cpuModel}, ${ctx.machine.memoryTotalGiB} GiB, node ${ctx.machine.node}, PostgreSQL ${db.version}`);
  const failures = [];
  for (const name of chosen) {
    const scenario = await import(`./scenarios/${name}.mjs`);
    console.log(`\n== ${name}: ${scenario.title}`);
    const started = Date.now();
    let result;
    try {
      result = await scenario.run(ctx);
    } catch (error) {
      console.error(`${name} failed: ${error.stack ?? error}`);
      failures.push(name);
      continue;
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`\n${result.summary}\n${table(result.table.headers, result.table.rows)}`);
    for (const target of result.targets) console.log(`${target.met ? 'MET   ' : 'MISSED'} ${target.what}: ${target.value} (target ${target.target})`);
    if (profile) {
      result.profiles = await summarizeProfiles(profileDir);
      // Kept for a closer look (Chrome DevTools, speedscope) under profiles/<scenario>/.
      await mkdir(join(profileDir, name), { recursive: true });
      for (const file of await readdir(profileDir)) if (file.endsWith('.cpuprofile')) await rename(join(profileDir, file), join(profileDir, name, file));
    }
    const png = join(resultsDir, `${name}.png`);
    const written = await renderPngs([{ file: png, svgs: result.charts }]).catch((error) => (console.warn(`chart for ${name} failed: ${error.message}`), []));
    const { charts, ...json } = result;
    await writeFile(
      join(resultsDir, `${name}.json`),
      JSON.stringify({ scenario: name, title: scenario.title, finishedAt: new Date().toISOString(), seconds, machine: ctx.machine, ...json, chart: written[0] ? `${name}.png` : null }, null, 2),
    );
    await writeFile(join(resultsDir, `${name}.md`), `### ${scenario.title}\n\n${result.summary}\n\n${markdownTable(result.table.headers, result.table.rows)}\n\n${markdownTable(['target', 'wanted', 'measured', ''], result.targets.map((t) => [t.what, t.target, t.value, t.met ? 'met' : '**missed**']))}\n`);
    console.log(`wrote ${resultsDir}/${name}.json${written[0] ? ` and ${name}.png` : ''} (${seconds.toFixed(0)} s)`);
  }
  return failures;
}

const deadline = setTimeout(() => {
  console.error(`bench: over ${RUN_DEADLINE_MS / 60_000} min, stopping`);
  cleanup().finally(() => process.exit(1));
}, RUN_DEADLINE_MS);

async function cleanup() {
  killAll();
  await db?.stop().catch((error) => console.error(`stopping the database failed: ${error.message}`));
  await removeBuilds();
}

for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => cleanup().finally(() => process.exit(130)));

main()
  .then(async (failures) => {
    clearTimeout(deadline);
    await cleanup();
    process.exit(failures.length > 0 ? 1 : 0);
  })
  .catch(async (error) => {
    console.error(error.stack ?? error);
    await cleanup();
    process.exit(1);
  });
