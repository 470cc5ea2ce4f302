export { createMetricsRegistry, METRIC_UNIT_SUFFIXES, DEFAULT_SECONDS_BUCKETS } from './metrics-registry.js';
export type { MetricsRegistry } from './metrics-registry.js';
export { startMetricsServer } from './metrics-server.js';
export type { MetricsServer, MetricsServerOptions } from './metrics-server.js';
export { createRpcMetrics } from './rpc-metrics.js';
export type { RpcKind, RpcMetrics } from './rpc-metrics.js';
export type { BoundCounter, BoundHistogram, CounterSeries, HistogramSeries } from './bound-instruments.js';
