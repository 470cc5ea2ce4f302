import {
  ConfigError,
  adminConfigShape,
  defineConfig,
  durationMsField,
  booleanField,
  enumField,
  enumListField,
  filePathField,
  integerField,
  loadConfig,
  serverConfigShape,
} from '../../shared/config/index.js';
import type { Config, Env } from '../../shared/config/index.js';
import type { ServingSettings } from './model/loaded-model.js';

/** The ranking service's gRPC port (gateway 50051, ranking 50052, retrieval 50053). */
const DEFAULT_PORT = 50052;
/** Its Prometheus port, beside the other services'. */
const DEFAULT_METRICS_PORT = 9465;
/** CPU unless a deployment asks for more: the GPU image sets `cuda,cpu`, and an absent CUDA falls back with a logged warning. */
const DEFAULT_PROVIDERS = ['cpu'] as const;
/**
 * Two workers: one batch is packed and handed over while the other runs. Inline sessions
 * (`DLRS_WORKERS=0`) cut ranking's own CPU and context switches, but on a quiet 2-core x86 VM
 * they left the topology's total CPU unchanged and its p99 worse at 100 req/s
 * (bench/scale/README.md), so they stay an option.
 */
const DEFAULT_WORKERS = 2;
/** One intra-op thread per worker: parallelism comes from the workers, which keeps small batches free of thread hand-offs. */
const DEFAULT_INTRA_OP_THREADS = 1;
/** RankNet is a chain of layers: nothing to run side by side. */
const DEFAULT_INTER_OP_THREADS = 1;
/** Raw RankNet throughput on CPU flattens out between 1,024 and 2,048 rows (bench/ranking/ort-ceiling.ts). */
const DEFAULT_MAX_BATCH_ROWS = 2048;
/**
 * Flush as soon as a worker is free (Triton's default): under load the rows that arrive while
 * every worker is busy form the next batch, so batches grow with load and an idle service adds no delay.
 */
const DEFAULT_MAX_QUEUE_DELAY_US = 0;
/** About 100 requests of 300 candidates: beyond that a client is better told to back off than queued for long. */
const DEFAULT_MAX_QUEUE_ROWS = 32_768;
/** UserNet runs one row per user and costs more per row than RankNet. */
const DEFAULT_USER_MAX_BATCH_ROWS = 256;
/** Sixteen full UserNet batches: a gateway embeds one user per recommendation, so a longer queue means overload. */
const DEFAULT_USER_MAX_QUEUE_ROWS = 4096;
/** The two-stage model re-ranks C = 100 or 300 candidates; 2,000 leaves room without letting one call hog a batch. */
const DEFAULT_MAX_CANDIDATES = 2000;
/** The gateway embeds one user per request; batch jobs may send more. */
const DEFAULT_MAX_PROFILES = 256;
/** A stream request naming no timeout gets this budget: far above a healthy call, short enough to free a stuck one. */
const DEFAULT_STREAM_REQUEST_TIMEOUT_MS = 5000;
/** Requests one stream may have in flight before the service stops reading it (backpressure to the gateway). */
const DEFAULT_STREAM_MAX_IN_FLIGHT = 1024;

/** The ranking configuration: `DLRS_*` variables (names in deploy/README.md) or a config file. */
export const rankingConfigDefinition = defineConfig(
  {
    ...serverConfigShape({ port: DEFAULT_PORT, metricsPort: DEFAULT_METRICS_PORT }),
    ...adminConfigShape(),
    /** The model bundle to serve; `--bundle` overrides it. */
    bundle: filePathField({ mustExist: true }).optional(),
    providers: enumListField(['cuda', 'cpu']).default([...DEFAULT_PROVIDERS]),
    /** 0 runs the sessions on the event loop: no hand-off to a thread per batch, but the loop waits for each run. */
    workers: integerField({ min: 0, max: 64 }).default(DEFAULT_WORKERS),
    intraOpThreads: integerField({ min: 0, max: 256 }).default(DEFAULT_INTRA_OP_THREADS),
    interOpThreads: integerField({ min: 0, max: 256 }).default(DEFAULT_INTER_OP_THREADS),
    graphOptimizationLevel: enumField(['disabled', 'basic', 'extended', 'all']).default('all'),
    maxBatchRows: integerField({ min: 1, max: 65_536 }).default(DEFAULT_MAX_BATCH_ROWS),
    maxQueueDelayUs: integerField({ min: 0, max: 1_000_000 }).default(DEFAULT_MAX_QUEUE_DELAY_US),
    maxQueueRows: integerField({ min: 1, max: 10_000_000 }).default(DEFAULT_MAX_QUEUE_ROWS),
    userMaxBatchRows: integerField({ min: 1, max: 65_536 }).default(DEFAULT_USER_MAX_BATCH_ROWS),
    userMaxQueueDelayUs: integerField({ min: 0, max: 1_000_000 }).default(DEFAULT_MAX_QUEUE_DELAY_US),
    userMaxQueueRows: integerField({ min: 1, max: 10_000_000 }).default(DEFAULT_USER_MAX_QUEUE_ROWS),
    maxCandidates: integerField({ min: 1, max: 1_000_000 }).default(DEFAULT_MAX_CANDIDATES),
    maxProfiles: integerField({ min: 1, max: 100_000 }).default(DEFAULT_MAX_PROFILES),
    streamRequestTimeoutMs: durationMsField({ min: 1 }).default(DEFAULT_STREAM_REQUEST_TIMEOUT_MS),
    streamMaxInFlight: integerField({ min: 1, max: 1_000_000 }).default(DEFAULT_STREAM_MAX_IN_FLIGHT),
    // The bundle's items embedded at model load so that Rank may name candidates by id (about 56 bytes plus 4(d + 1) per item: 177 MiB at 1M items, d = 32); off = every candidate's embedding comes with the request.
    itemTable: booleanField().default(true),
  },
);

/** The loaded, frozen ranking configuration. */
export type RankingConfig = Config<typeof rankingConfigDefinition.shape>;

/**
 * Loads the ranking configuration and checks the limits against each other: one request must
 * fit into its queue, or it could never be served.
 */
export function loadRankingConfig(options: { env?: Env; file?: string } = {}): RankingConfig {
  const config = loadConfig(rankingConfigDefinition, options);
  const problems: string[] = [];
  if (config.maxCandidates > config.maxQueueRows) {
    problems.push(`DLRS_MAX_CANDIDATES=${config.maxCandidates} exceeds DLRS_MAX_QUEUE_ROWS=${config.maxQueueRows}: such a request could never be queued`);
  }
  if (config.maxProfiles > config.userMaxQueueRows) {
    problems.push(`DLRS_MAX_PROFILES=${config.maxProfiles} exceeds DLRS_USER_MAX_QUEUE_ROWS=${config.userMaxQueueRows}: such a request could never be queued`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * How models are served under `config`. Warm-up runs the batch sizes the batchers produce
 * at the extremes (one row, a full batch) and one typical re-ranking request.
 */
export function servingSettings(config: RankingConfig): ServingSettings {
  const warmup = new Set([1, Math.min(300, config.maxBatchRows), config.userMaxBatchRows, config.maxBatchRows]);
  return {
    poolSize: config.workers,
    session: {
      providers: [...config.providers],
      intraOpNumThreads: config.intraOpThreads,
      interOpNumThreads: config.interOpThreads,
      graphOptimizationLevel: config.graphOptimizationLevel,
    },
    userBatcher: { maxBatchRows: config.userMaxBatchRows, maxQueueDelayUs: config.userMaxQueueDelayUs, maxQueueRows: config.userMaxQueueRows },
    rankBatcher: { maxBatchRows: config.maxBatchRows, maxQueueDelayUs: config.maxQueueDelayUs, maxQueueRows: config.maxQueueRows },
    warmupBatchRows: [...warmup].sort((a, b) => a - b),
  };
}
