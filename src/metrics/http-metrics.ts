import { Counter, Histogram, type Registry } from 'prom-client';

export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx';
const PREINITIALISED_CLASSES: readonly StatusClass[] = ['2xx', '4xx', '5xx'];

/**
 * HTTP RED metrics by method and route pattern. `status` is the class (`2xx`, `4xx`, `5xx`):
 * the exact code is in the request's log line, and a class per route can be created at 0 for
 * every route at start, so a first 5xx is a visible increase, not a new series.
 */
export class HttpMetrics {
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly seconds: Histogram<'method' | 'route'>;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'pns_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status class',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
    this.seconds = new Histogram({
      name: 'pns_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method and route pattern (event streams are not observed)',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  /** Creates every series of these routes at 0. */
  preinitialise(routes: Iterable<{ method: string; route: string }>): void {
    for (const { method, route } of routes) {
      for (const status of PREINITIALISED_CLASSES) this.requests.inc({ method, route, status }, 0);
      this.seconds.zero({ method, route });
    }
  }

  record(method: string, route: string, status: number, seconds: number | undefined): void {
    this.requests.inc({ method, route, status: `${Math.floor(status / 100)}xx` });
    if (seconds !== undefined) this.seconds.observe({ method, route }, seconds);
  }
}
