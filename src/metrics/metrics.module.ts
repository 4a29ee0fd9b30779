import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { Metrics } from './metrics.js';
import { RouteSeries } from './route-series.js';

@Global()
@Module({ providers: [Metrics, RouteSeries], controllers: [MetricsController], exports: [Metrics] })
export class MetricsModule {}
