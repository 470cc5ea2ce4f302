import type { Counter, Histogram } from '@opentelemetry/api';
import type { MetricsRegistry } from './metrics-registry.js';

/** Labels of the per-method RPC metrics. */
/** How a call travelled: a unary call, a whole bidi stream, or one request multiplexed on a stream. */
export type RpcKind = 'unary' | 'bidi' | 'stream_request';

type RpcLabels = { service: string; method: string; code: string; kind: RpcKind };

/** Per-method request counts by status code and latency, recorded by the gRPC server wrapper. */
export interface RpcMetrics {
  /** Records one finished call: a unary call, a whole stream (kind bidi), or one request on a stream (kind stream_request, named like its unary method). */
  record(labels: RpcLabels, durationSeconds: number): void;
}

/** Creates `dlrs_rpc_requests_total{service,method,code,kind}` and `dlrs_rpc_duration_seconds{service,method,code,kind}`. */
export function createRpcMetrics(metrics: MetricsRegistry): RpcMetrics {
  const requests: Counter<RpcLabels> = metrics.counter('dlrs_rpc_requests', 'gRPC calls finished, by method and status code');
  const duration: Histogram<RpcLabels> = metrics.histogram(
    'dlrs_rpc_duration_seconds',
    'gRPC call latency by method and status code: per call, per stream (kind bidi) and per request on a stream (kind stream_request)',
  );
  return {
    record(labels, durationSeconds) {
      requests.add(1, labels);
      duration.record(durationSeconds, labels);
    },
  };
}
