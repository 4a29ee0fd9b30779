import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { UNMATCHED_ROUTE } from '../http/request-log.middleware.js';
import { Metrics } from './metrics.js';

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/**
 * Creates the HTTP series of every route at 0 once the routes exist (Nest registers them
 * during init, before the bootstrap hooks), and of the unmatched ones.
 */
@Injectable()
export class RouteSeries implements OnApplicationBootstrap {
  constructor(
    private readonly metrics: Metrics,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    const express = this.adapterHost.httpAdapter?.getInstance<{ router?: { stack: RouterLayer[] } }>();
    const routes = (express?.router?.stack ?? []).flatMap(({ route }) =>
      route ? Object.keys(route.methods).map((method) => ({ method: method.toUpperCase(), route: route.path })) : [],
    );
    this.metrics.http.preinitialise([...routes, { method: 'GET', route: UNMATCHED_ROUTE }]);
  }
}
