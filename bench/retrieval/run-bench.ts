// `make bench-retrieval`: recall/QPS sweeps, peers, filter switch point, event-loop
// delay during a batch upsert and start-up times, on synthetic clustered embeddings.
// Usage: node --import tsx bench/retrieval/run-bench.ts [--items 100000] [--queries 200] [--sections sweep,shard,rpc]
//        [--quantizations f32,f16,i8] [--out reports/bench-retrieval.json]
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { groundTruth, recallSweep } from './recall-sweep.js';
import { rpcVersusInProcess } from './rpc-vs-in-process.js';
import { batchUpsertDelay, bucketItems, filterSwitch, startupTimes } from './shard-sections.js';
import { QUANTIZATIONS } from '../../shared/vector-index/index.js';
import type { Quantization } from '../../shared/vector-index/index.js';
import { clusteredVectors } from './synthetic-vectors.js';

const DIM = 64;
/** Why M = 16 and efConstruction = 128: the usual HNSW defaults for 64-d embeddings; the reference figures use them. */
const CONNECTIVITY = 16;
const EXPANSION_ADD = 128;
const KS = [10, 100, 300, 1000];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      items: { type: 'string', default: '100000' },
      queries: { type: 'string', default: '200' },
      out: { type: 'string', default: 'reports/bench-retrieval.json' },
      sections: { type: 'string', default: 'sweep,shard,rpc' },
      quantizations: { type: 'string', default: 'f32,f16,i8' },
    },
  });
  const sections = new Set(values.sections.split(','));
  const results: Record<string, unknown> = {};
  const count = Number(values.items);
  const queryCount = Number(values.queries);
  const log = (line: string): void => console.log(line);
  log(`dlrs retrieval bench: ${count} items × ${DIM}, ${queryCount} queries, M=${CONNECTIVITY}, efConstruction=${EXPANSION_ADD}, single-threaded searches`);
  const items = clusteredVectors(count, DIM, 1, 1);
  const queries = clusteredVectors(queryCount, DIM, 1, 2);
  if (sections.has('sweep')) {
    const truthK = Math.max(...KS);
    const truth = groundTruth(items, queries, truthK);
    const sweep = await recallSweep(items, queries, truth, truthK, { connectivity: CONNECTIVITY, expansionAdd: EXPANSION_ADD, ks: KS, quantizations: values.quantizations.split(',').filter((q): q is Quantization => (QUANTIZATIONS as readonly string[]).includes(q)) }, log);
    log(`build seconds: ${JSON.stringify(sweep.buildSeconds)}`);
    results.sweep = sweep;
  }

  if (sections.has('shard')) {
    const options = { dim: DIM, connectivity: CONNECTIVITY, expansionAdd: EXPANSION_ADD, expansionSearch: 64, quantization: 'f32' as const, addThreads: 1 };
    const upsert = await batchUpsertDelay(bucketItems(count), items, options);
    log(`batch upsert of ${count} in timed turns: ${upsert.seconds.toFixed(1)} s, event-loop delay p99 ${upsert.p99Ms.toFixed(1)} ms, max ${upsert.maxMs.toFixed(1)} ms`);
    const filters = filterSwitch(upsert.shard, queries, 100);
    for (const f of filters) {
      log(`filter ${f.bucket.padEnd(5)} (${f.matching} items) k=100: graph ${f.graphQps.toFixed(0)} q/s recall ${f.graphRecall.toFixed(3)}, exact scan ${f.exactQps.toFixed(0)} q/s`);
    }
    const startup = await startupTimes(upsert.shard, options);
    log(`snapshot write ${startup.snapshotWriteSeconds.toFixed(1)} s; start-up from snapshot ${startup.fromSnapshotSeconds.toFixed(1)} s vs index rebuild ${startup.rebuildSeconds.toFixed(1)} s`);
    results.shard = { upsert: { seconds: upsert.seconds, p99Ms: upsert.p99Ms, maxMs: upsert.maxMs }, filters, startup };
  }

  if (sections.has('rpc')) {
    const k = 300;
    const rpc = await rpcVersusInProcess(items, queries, k, 128);
    const show = (name: string, t: { qps: number; p50Ms: number; p99Ms: number }): string => `${name} ${t.qps.toFixed(0)} q/s (p50 ${t.p50Ms.toFixed(2)} ms, p99 ${t.p99Ms.toFixed(2)} ms)`;
    log(`k=${k} with embeddings: ${show('in-process', rpc.inProcess)}; ${show('Search RPC', rpc.unary)}; ${show('SearchStream', rpc.stream)}`);
    log(`QPS ratio RPC/in-process: unary ${(rpc.unary.qps / rpc.inProcess.qps).toFixed(2)}, stream ${(rpc.stream.qps / rpc.inProcess.qps).toFixed(2)} (shard start-up incl. ItemNet ${rpc.startupSeconds.toFixed(1)} s)`);
    results.rpc = rpc;
  }

  await mkdir(dirname(values.out), { recursive: true });
  await writeFile(values.out, JSON.stringify({ count, dim: DIM, queryCount, ...results }, null, 2));
  log(`written ${values.out}`);
}

await main();
