import { readFile } from 'node:fs/promises';
import request from 'supertest';
import { startApp } from './support/app';
import { createTestDatabase } from './support/database';

jest.setTimeout(30_000);

/** The metric names a PromQL expression reads (pns's and Node's; `up` is Prometheus's own). */
function metricsIn(expression: string): string[] {
  return [...expression.matchAll(/\b((?:pns|process|nodejs)_\w+)/g)].map((match) => match[1].replace(/_(bucket|count|sum)$/, ''));
}

// A dashboard panel or an alert on a metric pns does not export shows nothing and never fires.
describe('the Grafana dashboard and the Prometheus alert rules in deploy/', () => {
  let exported: Set<string>;

  beforeAll(async () => {
    const pns = await startApp(await createTestDatabase());
    try {
      const text = (await request(pns.baseUrl).get('/metrics').expect(200)).text;
      exported = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]));
    } finally {
      await pns.close();
    }
  });

  it('dashboard panels read only metrics pns exports', async () => {
    const dashboard = JSON.parse(await readFile('deploy/grafana/pns-dashboard.json', 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
    const expressions = dashboard.panels.flatMap((panel) => panel.targets ?? []).map((target) => target.expr);
    expect(expressions.length).toBeGreaterThan(10);
    const read = new Set(expressions.flatMap(metricsIn));
    for (const name of ['pns_http_requests_total', 'pns_http_request_duration_seconds', 'pns_device_requests_total', 'pns_device_request_duration_seconds']) {
      expect(read).toContain(name);
    }
    expect([...read].filter((name) => !exported.has(name))).toEqual([]);
  });

  it('alert rules read only metrics pns exports', async () => {
    const rules = await readFile('deploy/prometheus/pns-alerts.yml', 'utf8');
    const expressions = [...rules.matchAll(/^\s+expr: (.+)$/gm)].map((match) => match[1]);
    expect(expressions.length).toBeGreaterThan(5);
    expect(expressions.flatMap(metricsIn).filter((name) => !exported.has(name))).toEqual([]);
  });
});
