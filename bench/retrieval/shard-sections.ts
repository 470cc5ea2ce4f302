import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AttributeCondition } from '../../services/retrieval/store/attribute-index.js';
import type { Item } from '../../shared/features/index.js';
import { IndexedStore } from '../../services/retrieval/store/indexed-store.js';
import { readLatestSnapshot, writeSnapshot } from '../../services/retrieval/durability/snapshot.js';
import type { VectorIndexOptions } from '../../shared/vector-index/index.js';
import { cachePath, exists, load, progress, storeInCache } from './bench-cache.js';
import { recallAt, summarise, timeAsyncCalls } from './measure.js';
import type { Timing } from './measure.js';
import { usearchCacheName } from './recall-sweep.js';
import { seededRandom } from './synthetic-vectors.js';
import type { VectorSet } from './synthetic-vectors.js';

/** Filter values by the share of items carrying them. */
export const SELECTIVITIES: Record<string, number> = { 'p0.1': 0.001, p1: 0.01, p5: 0.05, p20: 0.2 };

/** Why every 20 ms: a steady trickle of searches (50 per second) that shows how long one waits behind a batch upsert or a snapshot. */
const PROBE_EVERY_MS = 20;
/** Why k = 100: a typical candidate count per shard. */
const PROBE_K = 100;

/** The model version of the bench's shard state and snapshot. */
export const BENCH_MODEL_VERSION = 'bench';

/** Catalog items whose `bucket` feature realises {@link SELECTIVITIES}. */
export function bucketItems(count: number): Item[] {
  const { uniform } = seededRandom(99);
  return Array.from({ length: count }, (_, i) => {
    let draw = uniform();
    let bucket = 'other';
    for (const [name, share] of Object.entries(SELECTIVITIES)) {
      if (draw < share) {
        bucket = name;
        break;
      }
      draw -= share;
    }
    return { id: `item-${i}`, features: { bucket } };
  });
}

/** Event-loop delay of this thread (ms) and latency of probe searches while `work` runs. */
export interface Responsiveness {
  seconds: number;
  delayP50Ms: number;
  delayP99Ms: number;
  delayMaxMs: number;
  /** Searches at k = 100 issued every 20 ms meanwhile. */
  probe: Timing;
}

/** Runs `work` while measuring the event-loop delay and the latency of probe searches on `shard`. */
export async function responsiveness(shard: IndexedStore, queries: VectorSet, work: () => Promise<void>): Promise<Responsiveness> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const latencies: number[] = [];
  const probes: Promise<void>[] = [];
  let q = 0;
  const timer = setInterval(() => {
    const started = performance.now();
    const query = queries.vectors.subarray((q % queries.count) * queries.dim, ((q % queries.count) + 1) * queries.dim);
    q++;
    probes.push(shard.search({ queries: query, queryCount: 1, k: PROBE_K, excludeIds: [], conditions: [] }).then(() => void latencies.push(performance.now() - started)));
  }, PROBE_EVERY_MS);
  histogram.enable();
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  histogram.disable();
  clearInterval(timer);
  await Promise.all(probes);
  return {
    seconds,
    delayP50Ms: histogram.percentile(50) / 1e6,
    delayP99Ms: histogram.percentile(99) / 1e6,
    delayMaxMs: histogram.max / 1e6,
    probe: summarise(Float64Array.from(latencies), seconds * 1000),
  };
}

/**
 * A batch upsert of all items into an empty shard (the index built in its
 * worker, single-threaded) under probe searches; the built f32 index is
 * cached for the sweep.
 */
export async function batchUpsert(items: Item[], vectors: VectorSet, queries: VectorSet, options: VectorIndexOptions, log: (line: string) => void): Promise<{ shard: IndexedStore; upsert: Responsiveness }> {
  const shard = await IndexedStore.create([{ name: 'bucket', kind: 'categorical' }], options, BENCH_MODEL_VERSION);
  const report = progress(log, 'batch upsert (index built in the worker, one thread)', items.length);
  const ticker = setInterval(() => report(shard.index.size), 1000);
  const upsert = await responsiveness(shard, queries, () => shard.upsert(items, vectors.vectors, new Float32Array(items.length)));
  clearInterval(ticker);
  const path = await cachePath(usearchCacheName(vectors, options));
  if (!(await exists(path))) await storeInCache(path, (tmp) => shard.index.save(tmp));
  return { shard, upsert };
}

/** Per selectivity at k: QPS of the graph search (deepening) against the exact scan over matching items, and the graph's recall. */
export async function filterSwitch(shard: IndexedStore, queries: VectorSet, k: number): Promise<{ bucket: string; matching: number; graphQps: number; graphRecall: number; exactQps: number }[]> {
  const exact = new IndexedStore(shard.store, shard.index, shard.modelVersion, { exactScanMaxItems: Number.POSITIVE_INFINITY, maxDepthFraction: 1, graphCandidateCost: 0 });
  const graph = new IndexedStore(shard.store, shard.index, shard.modelVersion, { exactScanMaxItems: 0, maxDepthFraction: 1, graphCandidateCost: 0 });
  const rows = [];
  for (const bucket of Object.keys(SELECTIVITIES)) {
    const code = shard.store.attributes.valueCode(0, bucket);
    const conditions: AttributeCondition[] = [{ kind: 'values', field: 0, codes: Int32Array.of(code ?? -1) }];
    const query = (q: number) => ({ queries: queries.vectors.subarray(q * queries.dim, (q + 1) * queries.dim), queryCount: 1, k, excludeIds: [], conditions });
    const truth: Int32Array[] = [];
    for (let q = 0; q < queries.count; q++) truth.push((await exact.search(query(q)))[0].slots);
    let recall = 0;
    const graphTiming = await timeAsyncCalls(queries.count, async (q) => {
      recall += recallAt((await graph.search(query(q)))[0].slots, truth[q], k);
    });
    const exactTiming = await timeAsyncCalls(queries.count, (q) => exact.search(query(q)));
    rows.push({ bucket, matching: shard.store.attributes.estimateMatches(conditions) ?? 0, graphQps: graphTiming.qps, graphRecall: recall / queries.count, exactQps: exactTiming.qps });
  }
  return rows;
}

/**
 * A snapshot of the shard written under probe searches, then read back
 * (start-up from a snapshot, ItemNet not involved); the snapshot is kept in
 * the cache as a data directory the RPC section's server starts from.
 */
export async function snapshotTimes(shard: IndexedStore, queries: VectorSet, options: VectorIndexOptions): Promise<{ write: Responsiveness; fromSnapshotSeconds: number; dataDir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'dlrs-bench-snapshot-'));
  try {
    const write = await responsiveness(shard, queries, async () => void (await writeSnapshot(dir, shard, 1)));
    const started = performance.now();
    const loaded = await readLatestSnapshot(dir, options);
    const fromSnapshotSeconds = (performance.now() - started) / 1000;
    if (loaded?.state.index.size !== shard.index.size) throw new Error('the snapshot did not restore every item');
    await loaded.state.close();
    const dataDir = await cachePath(`shard-${shard.store.size}x${shard.store.dim}-${options.quantization}`);
    if (!(await exists(dataDir))) await storeInCache(dataDir, (tmp) => cp(dir, tmp, { recursive: true }));
    return { write, fromSnapshotSeconds, dataDir };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A line of a {@link Responsiveness}. */
export function showResponsiveness(what: string, r: Responsiveness): string {
  return `${what}: ${r.seconds.toFixed(1)} s; event-loop delay p50 ${r.delayP50Ms.toFixed(1)} ms, p99 ${r.delayP99Ms.toFixed(1)} ms, max ${r.delayMaxMs.toFixed(1)} ms; probe searches k=${PROBE_K} p50 ${r.probe.p50Ms.toFixed(1)} ms, p99 ${r.probe.p99Ms.toFixed(1)} ms (${load()})`;
}
