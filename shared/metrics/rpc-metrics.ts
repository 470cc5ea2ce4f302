import type { Counter, Histogram } from '@opentelemetry/api';
import type { MetricsRegistry } from './metrics-registry.js';

/** Labels of the per-method RPC metrics. */
type RpcLabels = { service: string; method: string; code: string; kind: 'unary' | 'bidi' };

/** Per-method request counts by status code and latency, recorded by the gRPC server wrapper. */
export interface RpcMetrics {
  /** Records one finished call (a whole stream for bidi methods). */
  record(labels: RpcLabels, durationSeconds: number): void;
}

/** Creates `dlrs_rpc_requests_total{service,method,code,kind}` and `dlrs_rpc_duration_seconds{service,method,code,kind}`. */
export function createRpcMetrics(metrics: MetricsRegistry): RpcMetrics {
  const requests: Counter<RpcLabels> = metrics.counter('dlrs_rpc_requests', 'gRPC calls finished, by method and status code');
  const duration: Histogram<RpcLabels> = metrics.histogram(
    'dlrs_rpc_duration_seconds',
    'gRPC call latency (stream lifetime for bidi methods), by method and status code',
  );
  return {
    record(labels, durationSeconds) {
      requests.add(1, labels);
      duration.record(durationSeconds, labels);
    },
  };
}
