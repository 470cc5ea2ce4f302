import type { Histogram } from '@opentelemetry/api';
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

/** The labels of one (method, kind, code) and how many calls ended so. */
interface LabelledCount {
  readonly labels: RpcLabels;
  count: number;
}

/**
 * Creates `dlrs_rpc_requests_total{service,method,code,kind}` and `dlrs_rpc_duration_seconds{service,method,code,kind}`.
 * Every call records, so the label objects are made once per (method, kind, code) and the
 * request count is kept here and read at scrape time: the metrics SDK hashes a call's labels
 * on each record, which is a few microseconds per call.
 */
export function createRpcMetrics(metrics: MetricsRegistry): RpcMetrics {
  const duration: Histogram<RpcLabels> = metrics.histogram(
    'dlrs_rpc_duration_seconds',
    'gRPC call latency by method and status code: per call, per stream (kind bidi) and per request on a stream (kind stream_request)',
  );
  // path → kind → code → its labels and count.
  const byPath = new Map<string, Map<RpcKind, Map<string, LabelledCount>>>();
  const counted: LabelledCount[] = [];
  metrics.observableCounter<RpcLabels>('dlrs_rpc_requests', 'gRPC calls finished, by method and status code').addCallback((result) => {
    for (const { labels, count } of counted) result.observe(count, labels);
  });
  const entryOf = (path: string, code: string, kind: RpcKind): LabelledCount => {
    let byKind = byPath.get(path);
    if (byKind === undefined) byPath.set(path, (byKind = new Map()));
    let byCode = byKind.get(kind);
    if (byCode === undefined) byKind.set(kind, (byCode = new Map()));
    let entry = byCode.get(code);
    if (entry === undefined) {
      const [service = '', method = ''] = path.replace(/^\//, '').split('/');
      entry = { labels: { service, method, code, kind }, count: 0 };
      byCode.set(code, entry);
      counted.push(entry);
    }
    return entry;
  };
  return {
    record(path, code, kind, durationSeconds) {
      const entry = entryOf(path, code, kind);
      entry.count++;
      duration.record(durationSeconds, entry.labels);
    },
  };
}
