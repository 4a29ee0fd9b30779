import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where a V8 CPU profile's time went: self time by package (node_modules/<name>, node:internal,
 * pns's own code) and the hottest functions.
 */
export async function summarizeProfiles(dir) {
  const files = (await readdir(dir).catch(() => [])).filter((name) => name.endsWith('.cpuprofile'));
  const summaries = [];
  for (const file of files) {
    const profile = JSON.parse(await readFile(join(dir, file), 'utf8'));
    const selfUs = new Map(profile.nodes.map((node) => [node.id, 0]));
    const deltas = profile.timeDeltas;
    for (let i = 0; i < profile.samples.length; i++) selfUs.set(profile.samples[i], selfUs.get(profile.samples[i]) + (deltas[i] ?? 0));
    const byPackage = new Map();
    const byFunction = new Map();
    let total = 0;
    for (const node of profile.nodes) {
      const us = selfUs.get(node.id);
      if (!us) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const pkg = packageOf(url, functionName);
      if (pkg === '(idle)') continue;
      total += us;
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
      const key = `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    }
    const top = (map, n) =>
      [...map.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([name, us]) => ({ name, percent: +((100 * us) / total).toFixed(1) }));
    summaries.push({ file, busySeconds: +(total / 1e6).toFixed(2), packages: top(byPackage, 12), functions: top(byFunction, 20) });
  }
  return summaries;
}

function packageOf(url, functionName) {
  if (functionName === '(idle)' || functionName === '(program)' && !url) return functionName === '(idle)' ? '(idle)' : '(program: native, GC)';
  if (functionName === '(garbage collector)') return '(garbage collector)';
  if (!url) return `(native) ${functionName}`;
  if (url.startsWith('node:')) return 'node core';
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1];
  if (url.includes('/generated/prisma/')) return 'prisma generated client';
  if (url.includes('/bench/.build/pns/')) return 'pns';
  return url;
}

function shortUrl(url) {
  return url.replace(/^file:\/\/.*?\/(node_modules|bench\/\.build\/pns)\//, '$1/');
}
