import type { CounterSeries, HistogramSeries } from './bound-instruments.js';
import type { MetricsRegistry } from './metrics-registry.js';

/** How a call travelled: a unary call, a whole bidi stream, or one request multiplexed on a stream. */
export type RpcKind = 'unary' | 'bidi' | 'stream_request';

/** Labels of the per-method RPC metrics. */
type RpcLabels = { service: string; method: string; code: string; kind: RpcKind };

/** Per-method request counts by status code and latency, recorded by the gRPC server wrapper. */
export interface RpcMetrics {
  /**
   * Records one finished call of the method `path` (`/dlrs.v1.Ranking/Rank`) that ended with
   * the status named `code` (`OK`): a unary call, a whole stream (kind bidi), or one request on
   * a stream (kind stream_request, named like its unary method).
   */
  record(path: string, code: string, kind: RpcKind, durationSeconds: number): void;
}

/** The bound series of one (method, kind, code). */
interface RpcSeries {
  readonly calls: CounterSeries;
  readonly duration: HistogramSeries;
}

/**
 * Creates `dlrs_rpc_requests_total{service,method,code,kind}` and `dlrs_rpc_duration_seconds{service,method,code,kind}`.
 * Every call records, so both are bound instruments whose series are looked up per
 * (method, kind, code) through nested maps of the strings the call already has: the metrics
 * SDK's own instruments hash and sort a call's labels on each record.
 */
export function createRpcMetrics(metrics: MetricsRegistry): RpcMetrics {
  const duration = metrics.boundHistogram<RpcLabels>(
    'dlrs_rpc_duration_seconds',
    'gRPC call latency by method and status code: per call, per stream (kind bidi) and per request on a stream (kind stream_request)',
  );
  const calls = metrics.boundCounter<RpcLabels>('dlrs_rpc_requests', 'gRPC calls finished, by method and status code');
  // path → kind → code → its series.
  const byPath = new Map<string, Map<RpcKind, Map<string, RpcSeries>>>();
  const seriesOf = (path: string, code: string, kind: RpcKind): RpcSeries => {
    let byKind = byPath.get(path);
    if (byKind === undefined) byPath.set(path, (byKind = new Map()));
    let byCode = byKind.get(kind);
    if (byCode === undefined) byKind.set(kind, (byCode = new Map()));
    let series = byCode.get(code);
    if (series === undefined) {
      const [service = '', method = ''] = path.replace(/^\//, '').split('/');
      const labels = { service, method, code, kind };
      series = { calls: calls.series(labels), duration: duration.series(labels) };
      byCode.set(code, series);
    }
    return series;
  };
  return {
    record(path, code, kind, durationSeconds) {
      const series = seriesOf(path, code, kind);
      series.calls.add(1);
      series.duration.record(durationSeconds);
    },
  };
}
