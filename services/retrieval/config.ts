import { configField, defineConfig, enumField, integerField, loadConfig, processEnv, serverConfigShape, stringField } from '../../shared/config/index.js';
import type { Config, Env } from '../../shared/config/index.js';
import { DEFAULT_SNAPSHOT_AFTER_RECORDS, DEFAULT_SNAPSHOTS_KEPT } from './durable-shard.js';
import { DEFAULT_SEARCH_TUNING } from './filtered-search.js';
import { DEFAULT_EMBED_BATCH_ROWS } from './item-embedder.js';
import { QUANTIZATIONS } from './vector-index.js';

/** Why 16: the usual HNSW M for 64-d embeddings; recall@100 ≥ 0.95 at modest expansion (bench/retrieval). */
const DEFAULT_CONNECTIVITY = 16;
/** Why 128: build quality close to saturation at M = 16 without doubling the build time. */
const DEFAULT_EXPANSION_ADD = 128;
/** Why 128: recall@100 near 0.99 on clustered 64-d embeddings; larger k searches at least k deep anyway. */
const DEFAULT_EXPANSION_SEARCH = 128;
/** Why 1000: the gateway asks each shard for a few hundred candidates; beyond 1000 a search costs more than ranking saves. */
const DEFAULT_MAX_K = 1000;
/** Why 64: the gateway batches at most a few dozen users per call. */
const DEFAULT_MAX_QUERIES = 64;
/** Why 10 000: a user's seen items to exclude, or an upsert batch, stay within a few MB per request. */
const DEFAULT_MAX_IDS = 10_000;
/** Why 16: filters of real requests have a handful of clauses. */
const DEFAULT_MAX_FILTER_CLAUSES = 16;
/** Why 1: searches run on the event loop's thread; a bulk add may take one more core. */
const DEFAULT_ADD_THREADS = 1;

/** `i/S`: shard i of S, 0 ≤ i < S. */
function shardField() {
  return configField('i/S with integers 0 ≤ i < S, e.g. 0/1 or 2/4', (raw) => {
    const match = typeof raw === 'string' ? /^(\d+)\/(\d+)$/.exec(raw.trim()) : null;
    if (match === null) return undefined;
    const index = Number(match[1]);
    const count = Number(match[2]);
    return count >= 1 && index < count ? { index, count } : undefined;
  });
}

/** The retrieval service's settings, from DLRS_RETRIEVAL_* (the CLI flags override them). */
export const RETRIEVAL_CONFIG = defineConfig(
  {
    ...serverConfigShape({ port: 50053, metricsPort: 9466 }),
    /** The model bundle directory (--bundle). */
    bundle: stringField(),
    /** Which shard this process serves (--shard). */
    shard: shardField().default({ index: 0, count: 1 }),
    /** Where the log and snapshots live (--data-dir). */
    dataDir: stringField(),
    quantization: enumField(QUANTIZATIONS).default('f32'),
    connectivity: integerField({ min: 2, max: 256 }).default(DEFAULT_CONNECTIVITY),
    expansionAdd: integerField({ min: 1, max: 4096 }).default(DEFAULT_EXPANSION_ADD),
    expansionSearch: integerField({ min: 1, max: 4096 }).default(DEFAULT_EXPANSION_SEARCH),
    addThreads: integerField({ min: 0, max: 256 }).default(DEFAULT_ADD_THREADS),
    maxK: integerField({ min: 1, max: 100_000 }).default(DEFAULT_MAX_K),
    maxQueries: integerField({ min: 1, max: 10_000 }).default(DEFAULT_MAX_QUERIES),
    maxIds: integerField({ min: 1, max: 1_000_000 }).default(DEFAULT_MAX_IDS),
    maxFilterClauses: integerField({ min: 0, max: 1_000 }).default(DEFAULT_MAX_FILTER_CLAUSES),
    exactScanMaxItems: integerField({ min: 0, max: 100_000_000 }).default(DEFAULT_SEARCH_TUNING.exactScanMaxItems),
    snapshotAfterRecords: integerField({ min: 1, max: 1_000_000_000 }).default(DEFAULT_SNAPSHOT_AFTER_RECORDS),
    snapshotsKept: integerField({ min: 1, max: 100 }).default(DEFAULT_SNAPSHOTS_KEPT),
    embedBatchRows: integerField({ min: 1, max: 65_536 }).default(DEFAULT_EMBED_BATCH_ROWS),
  },
  { prefix: 'DLRS_RETRIEVAL_' },
);

/** The loaded retrieval settings. */
export type RetrievalConfig = Config<typeof RETRIEVAL_CONFIG.shape>;

/** CLI flags that override their environment variables. */
export interface RetrievalFlags {
  bundle?: string;
  shard?: string;
  dataDir?: string;
}

/** Loads the settings: flags first, then DLRS_RETRIEVAL_* variables and the config file, then defaults. */
export function loadRetrievalConfig(flags: RetrievalFlags, env: Env = processEnv()): RetrievalConfig {
  const overrides: Record<string, string> = {};
  if (flags.bundle !== undefined) overrides.DLRS_RETRIEVAL_BUNDLE = flags.bundle;
  if (flags.shard !== undefined) overrides.DLRS_RETRIEVAL_SHARD = flags.shard;
  if (flags.dataDir !== undefined) overrides.DLRS_RETRIEVAL_DATA_DIR = flags.dataDir;
  return loadConfig(RETRIEVAL_CONFIG, { env: { ...env, ...overrides } });
}
