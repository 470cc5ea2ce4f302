import { ConfigError, adminConfigShape, defineConfig, enumField, integerField, loadConfig, processEnv, serverConfigShape, stringField } from '../../shared/config/index.js';
import type { Config, Env } from '../../shared/config/index.js';
import type { ShardIdentity } from './wire/decode-request.js';
import { DEFAULT_SNAPSHOT_AFTER_RECORDS, DEFAULT_SNAPSHOTS_KEPT } from './durability/durable-shard.js';
import { DEFAULT_SEARCH_TUNING } from './search/filtered-search.js';
import { WAL_REPAIRS } from './durability/read-log.js';
import { DEFAULT_EMBED_BATCH_ROWS } from '../../shared/item-net/index.js';
import { DEFAULT_HNSW_SETTINGS, QUANTIZATIONS } from '../../shared/vector-index/index.js';
import { INDEX_PLACEMENTS } from './hnsw/index-thread.js';

/** Why 1000: the gateway asks each shard for a few hundred candidates; beyond 1000 a search costs more than ranking saves. */
const DEFAULT_MAX_K = 1000;
/** Why 64: the gateway batches at most a few dozen users per call. */
const DEFAULT_MAX_QUERIES = 64;
/** Why 10 000: a user's seen items to exclude, or an upsert batch, stay within a few MB per request. */
const DEFAULT_MAX_IDS = 10_000;
/** Why 16: filters of real requests have a handful of clauses. */
const DEFAULT_MAX_FILTER_CLAUSES = 16;
/** Why 256: the gateway multiplexes all its searches to a shard on one stream; at a millisecond or two per search, 256 waiting is a few hundred ms of queue, beyond which an answer would come too late anyway. */
const DEFAULT_STREAM_MAX_IN_FLIGHT = 256;
/** Why 1: the index worker adds a few rows at a time between searches; more threads would take cores from searches and the gRPC loop. */
const DEFAULT_ADD_THREADS = 1;

/** The retrieval service's settings, from DLRS_* variables (docs: deploy/README.md); the CLI flags override them. */
export const RETRIEVAL_CONFIG = defineConfig({
  ...serverConfigShape({ port: 50053, metricsPort: 9466 }),
  ...adminConfigShape(),
  /** The model bundle directory (--bundle). */
  bundle: stringField(),
  /** This shard's index, 0 ≤ index < shardCount (--shard i/S). */
  shardIndex: integerField({ min: 0, max: 65_535 }).default(0),
  /** The number of shards the catalog is split into (--shard i/S). */
  shardCount: integerField({ min: 1, max: 65_536 }).default(1),
  /** Where the shard's log and snapshots live (--data-dir). */
  dataDir: stringField(),
  indexQuantization: enumField(QUANTIZATIONS).default('f32'),
  indexConnectivity: integerField({ min: 2, max: 256 }).default(DEFAULT_HNSW_SETTINGS.connectivity),
  indexExpansionAdd: integerField({ min: 1, max: 4096 }).default(DEFAULT_HNSW_SETTINGS.expansionAdd),
  indexExpansionSearch: integerField({ min: 1, max: 4096 }).default(DEFAULT_HNSW_SETTINGS.expansionSearch),
  indexAddThreads: integerField({ min: 0, max: 256 }).default(DEFAULT_ADD_THREADS),
  /** Where the HNSW index lives: `worker` (a thread of its own) or `inline` (on the event loop: no hand-off per search, but saves and adds block the loop). */
  indexPlacement: enumField(INDEX_PLACEMENTS).default('worker'),
  searchMaxK: integerField({ min: 1, max: 100_000 }).default(DEFAULT_MAX_K),
  searchStreamMaxInFlight: integerField({ min: 1, max: 1_000_000 }).default(DEFAULT_STREAM_MAX_IN_FLIGHT),
  searchMaxQueries: integerField({ min: 1, max: 10_000 }).default(DEFAULT_MAX_QUERIES),
  requestMaxIds: integerField({ min: 1, max: 1_000_000 }).default(DEFAULT_MAX_IDS),
  filterMaxClauses: integerField({ min: 0, max: 1_000 }).default(DEFAULT_MAX_FILTER_CLAUSES),
  exactScanMaxItems: integerField({ min: 0, max: 100_000_000 }).default(DEFAULT_SEARCH_TUNING.exactScanMaxItems),
  snapshotAfterRecords: integerField({ min: 1, max: 1_000_000_000 }).default(DEFAULT_SNAPSHOT_AFTER_RECORDS),
  snapshotsKept: integerField({ min: 1, max: 100 }).default(DEFAULT_SNAPSHOTS_KEPT),
  /** What start-up does with a damaged write-ahead log: refuse ('off'), or drop it from the damaged record on ('drop-damaged', logged; set it for one start only). */
  walRepair: enumField(WAL_REPAIRS).default('off'),
  embedBatchRows: integerField({ min: 1, max: 65_536 }).default(DEFAULT_EMBED_BATCH_ROWS),
});

/** The loaded retrieval settings, with the shard identity checked (index < count). */
export type RetrievalConfig = Config<typeof RETRIEVAL_CONFIG.shape> & { readonly shard: ShardIdentity };

/** CLI flags that override their environment variables. */
export interface RetrievalFlags {
  bundle?: string;
  /** `i/S`. */
  shard?: string;
  dataDir?: string;
}

/** Loads the settings: flags first, then DLRS_* variables and the config file, then defaults. Throws ConfigError naming what is wrong. */
export function loadRetrievalConfig(flags: RetrievalFlags, env: Env = processEnv()): RetrievalConfig {
  const overrides: Record<string, string> = {};
  if (flags.bundle !== undefined) overrides.DLRS_BUNDLE = flags.bundle;
  if (flags.dataDir !== undefined) overrides.DLRS_DATA_DIR = flags.dataDir;
  if (flags.shard !== undefined) {
    const match = /^(\d+)\/(\d+)$/.exec(flags.shard.trim());
    if (match === null) throw new ConfigError([`--shard=${JSON.stringify(flags.shard)} is invalid: expected i/S, e.g. 0/1 or 2/4`]);
    overrides.DLRS_SHARD_INDEX = match[1];
    overrides.DLRS_SHARD_COUNT = match[2];
  }
  const config = loadConfig(RETRIEVAL_CONFIG, { env: { ...env, ...overrides } });
  if (config.shardIndex >= config.shardCount) {
    throw new ConfigError([`DLRS_SHARD_INDEX=${config.shardIndex} is invalid: expected an index below DLRS_SHARD_COUNT=${config.shardCount}`]);
  }
  return Object.freeze({ ...config, shard: Object.freeze({ index: config.shardIndex, count: config.shardCount }) });
}
