import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FeatureSpec } from '../../shared/features/index.js';
import { createLogger } from '../../shared/logging/index.js';
import { loadRetrievalConfig } from '../../services/retrieval/config.js';
import { ItemEmbedder } from '../../shared/item-net/index.js';
import { startRetrievalServer } from '../../services/retrieval/server.js';
import type { RetrievalServer } from '../../services/retrieval/server.js';
import { standInItemNet } from '../../test/fixtures/stand-in-item-net.js';
import type { Timing } from './measure.js';
import { BENCH_MODEL_VERSION } from './shard-sections.js';
import type { VectorSet } from './synthetic-vectors.js';

const run = promisify(execFile);
const LOAD_SCRIPT = fileURLToPath(new URL('./search-load.ts', import.meta.url));

/** Why 16: enough requests in flight on one stream to keep the server busy, as the gateway's multiplexed stream does. */
export const STREAM_IN_FLIGHT = 16;

/** A shard server started for the bench, with the seconds until it served. */
export interface StartedShard {
  server: RetrievalServer;
  seconds: number;
  stop: () => Promise<void>;
}

/**
 * Starts a retrieval server over `dataDir`: from the snapshot there, or from
 * the raw items embedded by a stand-in ItemNet whose id table holds the vectors.
 */
export async function startShard(items: VectorSet, dataDir: string, expansionSearch: number, fromRawItems: boolean): Promise<StartedShard> {
  const ids = Array.from({ length: items.count }, (_, i) => `item-${i}`);
  // From a snapshot the ItemNet is never run: a one-row id table keeps its model small.
  const tableIds = fromRawItems ? ids : [];
  const spec: FeatureSpec = { features: [], itemIds: ['<oov>', ...tableIds], bagLength: 1, eventWeights: {} };
  const idTable = new Array<number>(items.dim).fill(0).concat(fromRawItems ? Array.from(items.vectors) : []);
  const bytes = standInItemNet(spec, { dim: items.dim, idTable, categoricalTables: {}, biases: new Array<number>(tableIds.length + 1).fill(0) });
  const embedder = await ItemEmbedder.load(bytes, spec, items.dim, { batchRows: 4096 });
  const config = loadRetrievalConfig(
    { bundle: 'bench', shard: '0/1', dataDir },
    { DLRS_HOST: '127.0.0.1', DLRS_PORT: '0', DLRS_METRICS_PORT: '0', DLRS_INDEX_EXPANSION_SEARCH: String(expansionSearch), DLRS_MAX_MESSAGE_BYTES: String(64 * 1024 * 1024) },
  );
  const started = performance.now();
  const server = await startRetrievalServer({
    config,
    model: { modelVersion: BENCH_MODEL_VERSION, dim: items.dim, spec, bundlePath: 'bench', embedder, catalog: () => Promise.resolve(ids.map((id) => ({ id, features: {} }))), loadedAtMs: Date.now() },
    openModel: () => Promise.reject(new Error('not in the bench')),
    logger: createLogger({ level: 'warn' }),
  });
  await server.ready;
  const seconds = (performance.now() - started) / 1000;
  return {
    server,
    seconds,
    stop: async () => {
      await server.close('bench done');
      await embedder.release();
    },
  };
}


/** What the load client (search-load.ts) printed: timings of the calls it made and its CPU per RPC. */
export interface SearchLoadResult {
  unary: Timing | undefined;
  stream: Timing | undefined;
  clientCpuUsPerRpc: number;
}

/** Runs the load client in its own process against a shard at `port`, with search-load.ts's flags. */
export async function runSearchLoad(port: number, flags: Record<string, number | string>): Promise<SearchLoadResult> {
  const args = Object.entries(flags).flatMap(([name, value]) => [`--${name}`, String(value)]);
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--no-warnings=ExperimentalWarning', LOAD_SCRIPT, '--port', String(port), ...args], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as SearchLoadResult;
}
