// `make bench-retrieval`: event-loop delay and search latency during a batch upsert and a
// snapshot, filter switch point, recall/QPS sweeps with peers, RPC vs in-process, start-up
// times, CPU and heap allocation per SearchStream request, on synthetic clustered embeddings. Built indexes, ground truth and the snapshot are
// cached under .data/bench-retrieval, so a re-run does not rebuild.
// Usage: node --import tsx bench/retrieval/run-bench.ts [--items 100000] [--queries 200]
//        [--sections upsert,filters,snapshot,sweep,rpc,stream] [--quantizations f32,f16,i8]
//        [--engines usearch,hnswlib,exact] [--out reports/bench-retrieval-<items>.json]
//        [--stream-k 185] [--stream-requests 5000] [--stream-cpu-prof FILE.cpuprofile] [--stream-heap-prof FILE.heapprofile]
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { IndexedStore } from '../../services/retrieval/store/indexed-store.js';
import { readLatestSnapshot } from '../../services/retrieval/durability/snapshot.js';
import { DEFAULT_HNSW_SETTINGS, QUANTIZATIONS } from '../../shared/vector-index/index.js';
import type { Quantization, VectorIndexOptions } from '../../shared/vector-index/index.js';
import { cachePath, exists, load } from './bench-cache.js';
import { groundTruth, recallSweep } from './recall-sweep.js';
import { rpcVersusInProcess } from './rpc-vs-in-process.js';
import { batchUpsert, bucketItems, filterSwitch, showResponsiveness, snapshotTimes } from './shard-sections.js';
import { streamCpu } from './stream-cpu.js';
import { clusteredVectors } from './synthetic-vectors.js';

const DIM = 64;
/** Why M = 16 and efConstruction = 128: the service's defaults (shared/vector-index), which the published USearch figures use too. */
const CONNECTIVITY = DEFAULT_HNSW_SETTINGS.connectivity;
const EXPANSION_ADD = DEFAULT_HNSW_SETTINGS.expansionAdd;
const KS = [10, 100, 300, 1000];
/** Why 200 000: above it, starting a server from raw items rebuilds the whole index (minutes at 1M); the batch upsert figure stands for it. */
const RAW_STARTUP_MAX_ITEMS = 200_000;
/** Why 185: the k per shard the gateway asks for 300 candidates over 2 shards (services/gateway shard-candidates). */
const GATEWAY_SHARD_K = 185;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      items: { type: 'string', default: '100000' },
      queries: { type: 'string', default: '200' },
      out: { type: 'string' },
      sections: { type: 'string', default: 'upsert,filters,snapshot,sweep,rpc,stream' },
      quantizations: { type: 'string', default: 'f32,f16,i8' },
      engines: { type: 'string', default: 'usearch,hnswlib,exact' },
      'stream-k': { type: 'string', default: String(GATEWAY_SHARD_K) },
      // Enough requests that the main thread's CPU (10 ms ticks) is measured to about 1 %.
      'stream-requests': { type: 'string', default: '5000' },
      'stream-cpu-prof': { type: 'string' },
      'stream-heap-prof': { type: 'string' },
    },
  });
  const sections = new Set(values.sections.split(','));
  const count = Number(values.items);
  const queryCount = Number(values.queries);
  const out = values.out ?? `reports/bench-retrieval-${count}.json`;
  // Sections of earlier runs are kept: a 1M run may be done in parts.
  const results = (await exists(out)) ? (JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>) : {};
  const log = (line: string): void => console.log(line);
  log(`dlrs retrieval bench: ${count} items × ${DIM}, ${queryCount} queries, M=${CONNECTIVITY}, efConstruction=${EXPANSION_ADD}, single-threaded searches (${load()})`);
  const items = clusteredVectors(count, DIM, 1, 1);
  const queries = clusteredVectors(queryCount, DIM, 1, 2);
  const options: VectorIndexOptions = { dim: DIM, connectivity: CONNECTIVITY, expansionAdd: EXPANSION_ADD, expansionSearch: DEFAULT_HNSW_SETTINGS.expansionSearch, quantization: 'f32', addThreads: 1 };
  const snapshotDir = await cachePath(`shard-${count}x${DIM}-f32`);

  let shard: IndexedStore | undefined;
  if (sections.has('upsert')) {
    const built = await batchUpsert(bucketItems(count), items, queries, options, log);
    shard = built.shard;
    log(showResponsiveness(`batch upsert of ${count} items into an empty shard`, built.upsert));
    results.upsert = built.upsert;
  } else if (sections.has('filters') || sections.has('snapshot')) {
    if (!(await exists(snapshotDir))) throw new Error(`no cached shard at ${snapshotDir}: run the upsert section first`);
    shard = (await readLatestSnapshot(snapshotDir, options))?.state;
  }
  if (shard !== undefined && sections.has('filters')) {
    const filters = await filterSwitch(shard, queries, 100);
    for (const f of filters) {
      log(`filter ${f.bucket.padEnd(5)} (${f.matching} items) k=100: graph ${f.graphQps.toFixed(0)} q/s recall ${f.graphRecall.toFixed(3)}, exact scan ${f.exactQps.toFixed(0)} q/s (${load()})`);
    }
    results.filters = filters;
  }
  if (shard !== undefined && sections.has('snapshot')) {
    const snapshot = await snapshotTimes(shard, queries, options);
    log(showResponsiveness(`snapshot write of ${count} items`, snapshot.write));
    log(`start-up from the snapshot (store + index file, no server): ${snapshot.fromSnapshotSeconds.toFixed(1)} s (${load()})`);
    results.snapshot = { write: snapshot.write, fromSnapshotSeconds: snapshot.fromSnapshotSeconds };
  }
  await shard?.close();

  if (sections.has('sweep')) {
    const truthK = Math.max(...KS);
    const truth = await groundTruth(items, queries, truthK);
    const quantizations = values.quantizations.split(',').filter((q): q is Quantization => (QUANTIZATIONS as readonly string[]).includes(q));
    const sweep = await recallSweep(items, queries, truth, truthK, { connectivity: CONNECTIVITY, expansionAdd: EXPANSION_ADD, ks: KS, quantizations, engines: new Set(values.engines.split(',')) }, log);
    log(`build seconds: ${JSON.stringify(sweep.buildSeconds)}`);
    // Keyed by what ran, so a sweep done in parts keeps every part.
    results[`sweep ${quantizations.join(',')} ${values.engines}`] = sweep;
  }

  if (sections.has('rpc')) {
    if (!(await exists(snapshotDir))) throw new Error(`no cached shard at ${snapshotDir}: run the upsert and snapshot sections first`);
    const k = 300;
    const rpc = await rpcVersusInProcess(items, queries, k, DEFAULT_HNSW_SETTINGS.expansionSearch, snapshotDir, count <= RAW_STARTUP_MAX_ITEMS);
    const show = (name: string, t: { qps: number; p50Ms: number; p99Ms: number }): string => `${name} ${t.qps.toFixed(0)} q/s (p50 ${t.p50Ms.toFixed(2)} ms, p99 ${t.p99Ms.toFixed(2)} ms)`;
    log(`k=${k} with embeddings: ${show('in-process', rpc.inProcess)}; ${show('Search RPC', rpc.unary)}; ${show('SearchStream (16 in flight)', rpc.stream)} (${load()})`);
    log(`QPS ratio RPC/in-process: unary ${(rpc.unary.qps / rpc.inProcess.qps).toFixed(2)}, stream ${(rpc.stream.qps / rpc.inProcess.qps).toFixed(2)}`);
    log(`CPU per search: in-process ${rpc.inProcessCpuUs.toFixed(0)} µs; per RPC server ${rpc.serverCpuUsPerRpc.toFixed(0)} µs, client ${rpc.clientCpuUsPerRpc.toFixed(0)} µs`);
    const raw = rpc.fromRawItemsSeconds === undefined ? 'not run above 200k items: see the batch upsert' : `${rpc.fromRawItemsSeconds.toFixed(1)} s`;
    log(`server start-up to SERVING: from the snapshot ${rpc.fromSnapshotSeconds.toFixed(1)} s; from raw items (ItemNet + index build) ${raw} (${load()})`);
    results.rpc = rpc;
  }

  if (sections.has('stream')) {
    if (!(await exists(snapshotDir))) throw new Error(`no cached shard at ${snapshotDir}: run the upsert and snapshot sections first`);
    const k = Number(values['stream-k']);
    const stream = await streamCpu(items, queries, snapshotDir, {
      k,
      requests: Number(values['stream-requests']),
      expansionSearch: DEFAULT_HNSW_SETTINGS.expansionSearch,
      cpuProfilePath: values['stream-cpu-prof'],
      heapProfilePath: values['stream-heap-prof'],
    });
    const mainThread = stream.mainThreadCpuUs === undefined ? 'n/a off Linux' : `${stream.mainThreadCpuUs.toFixed(0)} µs`;
    log(
      `SearchStream k=${k} with embeddings, ${stream.requests} requests, 16 in flight: ${stream.stream.qps.toFixed(0)} q/s (p50 ${stream.stream.p50Ms.toFixed(2)} ms, p99 ${stream.stream.p99Ms.toFixed(2)} ms); ` +
        `server CPU per request: main thread ${mainThread}, all threads ${stream.processCpuUs.toFixed(0)} µs; client ${stream.clientCpuUs.toFixed(0)} µs; ` +
        `main-thread heap ${stream.heapAllocatedKiB.toFixed(1)} KiB/request, ${stream.scavengesPer1000.toFixed(1)} scavenges and ${stream.gcMsPer1000.toFixed(1)} ms GC per 1000 requests (${load()})`,
    );
    results.stream = stream;
  }

  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify({ ...results, count, dim: DIM, queryCount }, null, 2));
  log(`written ${out}`);
}

await main();
