import type { Gauge } from '@opentelemetry/api';
import type { CounterSeries, HistogramSeries, MetricsRegistry } from '../../shared/metrics/index.js';
import type { InferencePoolStats } from './inference/inference-pool.js';
import type { NetworkObserver } from './model/loaded-model.js';

/** The instrument factory of shared/metrics' MetricsRegistry (the part this module uses). */
export type MetricInstruments = Pick<MetricsRegistry, 'boundCounter' | 'boundHistogram' | 'gauge'>;

type NetworkLabels = { network: string };
type RequestLabels = { network: string; code: string };

/** Batch sizes are powers of two up to the largest batch anyone configures. */
const BATCH_ROWS_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];
/** Queue delays and inference times go from tens of microseconds (one row) to a second (an overloaded queue). */
const FAST_SECONDS_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
/** Utilisation and queue length are sampled once a second: fine enough for a dashboard, cheap. */
const SAMPLE_INTERVAL_MS = 1000;

/** What the ranking service records, in the spirit of Triton's nv_inference_* metrics. */
export interface RankingMetrics {
  /** The batcher and inference hooks of one network of a model. */
  observe(network: string): NetworkObserver;
  /** One finished request (Rank or EmbedUsers, unary or on the stream) with its status code and duration. */
  request(network: string, code: string, durationSeconds: number): void;
  /** One Rank request's candidates: read from the item table, and shipped in the request. */
  candidates(fromTable: number, shipped: number): void;
  /** The served model's item table: its bytes (0 without one). */
  itemTable(bytes: number): void;
  /** Starts sampling worker utilisation and queue lengths from `sample` (the served model). */
  startSampling(sample: () => { pool: InferencePoolStats; queuedRows: Record<string, number> }): void;
  /** Stops sampling. Safe to call twice. */
  stop(): void;
}

/** The bound series of one (network, code) of the per-request metrics. */
interface RequestSeries {
  readonly requests: CounterSeries;
  readonly duration: HistogramSeries;
}

/**
 * Creates the ranking metrics (`dlrs_ranking_*`) on a metrics registry. The per-request and
 * per-batch ones are bound instruments: their series are found per network (and code) once,
 * not by hashing labels on every record.
 */
export function createRankingMetrics(metrics: MetricInstruments): RankingMetrics {
  const requests = metrics.boundCounter<RequestLabels>('dlrs_ranking_requests', 'Rank and EmbedUsers requests (unary and on RankStream), by network and status code');
  const requestDuration = metrics.boundHistogram<RequestLabels>(
    'dlrs_ranking_request_duration_seconds',
    'Rank and EmbedUsers request latency inside the service (queue + batch), unary and on RankStream alike',
    FAST_SECONDS_BUCKETS,
  );
  const batchRows = metrics.boundHistogram<NetworkLabels>('dlrs_ranking_batch_rows', 'Rows per executed batch (the mean is the effective batch size)', BATCH_ROWS_BUCKETS);
  const queueDelay = metrics.boundHistogram<NetworkLabels>('dlrs_ranking_queue_delay_seconds', 'Time a request waited in the batcher before its batch ran', FAST_SECONDS_BUCKETS);
  const inference = metrics.boundHistogram<NetworkLabels>('dlrs_ranking_inference_seconds', 'Time inside onnxruntime session.run() per batch', FAST_SECONDS_BUCKETS);
  const rejected = metrics.boundCounter<NetworkLabels>('dlrs_ranking_rejected_rows', 'Rows refused because the batcher queue was full (RESOURCE_EXHAUSTED)');
  const expired = metrics.boundCounter<NetworkLabels>('dlrs_ranking_expired_rows', 'Rows dropped before inference because their deadline had passed');
  const cancelled = metrics.boundCounter<NetworkLabels>('dlrs_ranking_cancelled_rows', 'Rows of requests cancelled by their callers');
  // network → code → its series.
  const requestSeries = new Map<string, Map<string, RequestSeries>>();
  const utilisation: Gauge = metrics.gauge('dlrs_ranking_worker_utilisation_ratio', 'Share of the last second the inference workers spent running batches');
  const queueRows: Gauge<NetworkLabels> = metrics.gauge('dlrs_ranking_queue_rows', 'Rows waiting in the batcher');
  const candidates = metrics.boundCounter<{ source: string }>('dlrs_ranking_candidates', 'Rank candidates by where their e_i and b_i came from: table (ranking\'s item table, by bundle row) or request (shipped)');
  const [fromTableSeries, shippedSeries] = [candidates.series({ source: 'table' }), candidates.series({ source: 'request' })];
  const itemTableBytes: Gauge = metrics.gauge('dlrs_ranking_item_table_bytes', 'Bytes of the served model\'s item table (the bundle\'s e_i and b_i; 0 with DLRS_ITEM_TABLE=false)');
  let timer: NodeJS.Timeout | undefined;

  return {
    observe(network) {
      const labels = { network };
      const [rowsOfBatch, delayOfQueue, runOfBatch] = [batchRows.series(labels), queueDelay.series(labels), inference.series(labels)];
      const [rejectedRows, expiredRows, cancelledRows] = [rejected.series(labels), expired.series(labels), cancelled.series(labels)];
      return {
        batch: {
          onBatch(rows, queueDelaysUs) {
            rowsOfBatch.record(rows);
            for (const delayUs of queueDelaysUs) delayOfQueue.record(delayUs / 1e6);
          },
          onRejected: (rows) => rejectedRows.add(rows),
          onExpired: (rows) => expiredRows.add(rows),
          onCancelled: (rows) => cancelledRows.add(rows),
        },
        onRun: (_rows, runUs) => runOfBatch.record(runUs / 1e6),
      };
    },
    request(network, code, durationSeconds) {
      let byCode = requestSeries.get(network);
      if (byCode === undefined) requestSeries.set(network, (byCode = new Map()));
      let series = byCode.get(code);
      if (series === undefined) {
        const labels = { network, code };
        series = { requests: requests.series(labels), duration: requestDuration.series(labels) };
        byCode.set(code, series);
      }
      series.requests.add(1);
      series.duration.record(durationSeconds);
    },
    candidates(fromTable, shipped) {
      if (fromTable > 0) fromTableSeries.add(fromTable);
      if (shipped > 0) shippedSeries.add(shipped);
    },
    itemTable(bytes) {
      itemTableBytes.record(bytes);
    },
    startSampling(sample) {
      if (timer !== undefined) return;
      let last = { busyUs: sample().pool.busyUs, atMs: performance.now(), size: sample().pool.size };
      timer = setInterval(() => {
        const { pool, queuedRows } = sample();
        const nowMs = performance.now();
        // A model switch replaces the pool and restarts its busy time: skip that one interval.
        if (pool.busyUs >= last.busyUs && pool.size === last.size) {
          utilisation.record(Math.min(1, (pool.busyUs - last.busyUs) / ((nowMs - last.atMs) * 1000 * Math.max(1, pool.size))));
        }
        for (const [network, rows] of Object.entries(queuedRows)) queueRows.record(rows, { network });
        last = { busyUs: pool.busyUs, atMs: nowMs, size: pool.size };
      }, SAMPLE_INTERVAL_MS);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
