import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FeatureSpec } from '../../shared/features/index.js';
import { createLogger } from '../../shared/logging/index.js';
import { loadRetrievalConfig } from '../../services/retrieval/config.js';
import { ItemEmbedder } from '../../services/retrieval/item-embedder.js';
import { startRetrievalServer } from '../../services/retrieval/server.js';
import type { RetrievalServer } from '../../services/retrieval/server.js';
import { standInItemNet } from '../../test/fixtures/stand-in-item-net.js';
import { timeAsyncCalls } from './measure.js';
import type { Timing } from './measure.js';
import { BENCH_MODEL_VERSION } from './shard-sections.js';
import type { VectorSet } from './synthetic-vectors.js';

const run = promisify(execFile);
const LOAD_SCRIPT = fileURLToPath(new URL('./search-load.ts', import.meta.url));

/** Why 16: enough requests in flight on one stream to keep the server busy, as the gateway's multiplexed stream does. */
const STREAM_IN_FLIGHT = 16;

/** A shard server started for the bench, with the seconds until it served. */
interface StartedShard {
  server: RetrievalServer;
  seconds: number;
  stop: () => Promise<void>;
}

/**
 * Starts a retrieval server over `dataDir`: from the snapshot there, or from
 * the raw items embedded by a stand-in ItemNet whose id table holds the vectors.
 */
async function startShard(items: VectorSet, dataDir: string, expansionSearch: number, fromRawItems: boolean): Promise<StartedShard> {
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

/**
 * The same shard searched in-process and through the Search RPC and the
 * SearchStream RPC at `k`, from a client process over loopback; the server
 * starts from a copy of the snapshot in `snapshotDir`. With `rawStartup`,
 * a second server is started from the raw items (ItemNet + index build) for
 * the start-up comparison.
 */
export async function rpcVersusInProcess(
  items: VectorSet,
  queries: VectorSet,
  k: number,
  expansionSearch: number,
  snapshotDir: string,
  rawStartup: boolean,
): Promise<{
  inProcess: Timing;
  unary: Timing;
  stream: Timing;
  /** CPU time (all threads of the process) per search: in-process, in the server per RPC, in the client per RPC. */
  inProcessCpuUs: number;
  serverCpuUsPerRpc: number;
  clientCpuUsPerRpc: number;
  fromSnapshotSeconds: number;
  fromRawItemsSeconds: number | undefined;
}> {
  const dataDir = await mkdtemp(join(tmpdir(), 'dlrs-bench-rpc-'));
  let fromRawItemsSeconds: number | undefined;
  try {
    if (rawStartup) {
      const raw = await startShard(items, join(dataDir, 'raw'), expansionSearch, true);
      fromRawItemsSeconds = raw.seconds;
      await raw.stop();
    }
    await cp(snapshotDir, join(dataDir, 'snapshot'), { recursive: true });
    const shard = await startShard(items, join(dataDir, 'snapshot'), expansionSearch, false);
    try {
      const service = await shard.server.ready;
      const decoded = (q: number) => ({ requestId: `q${q}`, dim: items.dim, queries: Buffer.from(queries.vectors.buffer, q * items.dim * 4, items.dim * 4), k, includeEmbeddings: true, modelVersion: '', excludeIds: [], filter: null, timeoutMs: 0, traceContext: {} });
      let cpu = process.cpuUsage();
      const inProcess = await timeAsyncCalls(queries.count, (q) => service.search(decoded(q)));
      const inProcessCpuUs = cpuMicros(process.cpuUsage(cpu)) / queries.count;
      const args = [String(shard.server.port), String(queries.count), String(items.dim), String(k), String(STREAM_IN_FLIGHT)];
      cpu = process.cpuUsage();
      const { stdout } = await run(process.execPath, ['--import', 'tsx', '--no-warnings=ExperimentalWarning', LOAD_SCRIPT, ...args], { maxBuffer: 1 << 20 });
      // The client sends every query twice: once per unary call, once on the stream.
      const serverCpuUsPerRpc = cpuMicros(process.cpuUsage(cpu)) / (2 * queries.count);
      const remote = JSON.parse(stdout) as { unary: Timing; stream: Timing; clientCpuUsPerRpc: number };
      return { inProcess, unary: remote.unary, stream: remote.stream, inProcessCpuUs, serverCpuUsPerRpc, clientCpuUsPerRpc: remote.clientCpuUsPerRpc, fromSnapshotSeconds: shard.seconds, fromRawItemsSeconds };
    } finally {
      await shard.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

function cpuMicros(usage: NodeJS.CpuUsage): number {
  return usage.user + usage.system;
}
