import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AttributeCondition } from '../../services/retrieval/attribute-index.js';
import type { Item } from '../../shared/features/index.js';
import { IndexedStore } from '../../services/retrieval/indexed-store.js';
import { readLatestSnapshot, writeSnapshot } from '../../services/retrieval/snapshot.js';
import { VectorIndex } from '../../shared/vector-index/index.js';
import type { VectorIndexOptions } from '../../shared/vector-index/index.js';
import { recallAt, timeCalls } from './measure.js';
import { seededRandom } from './synthetic-vectors.js';
import type { VectorSet } from './synthetic-vectors.js';

/** Filter values by the share of items carrying them. */
export const SELECTIVITIES: Record<string, number> = { 'p0.1': 0.001, p1: 0.01, p5: 0.05, p20: 0.2 };

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

/** Event-loop delay while a batch upsert builds the shard in chunks, with the time it took. */
export async function batchUpsertDelay(items: Item[], vectors: VectorSet, options: VectorIndexOptions): Promise<{ shard: IndexedStore; seconds: number; p99Ms: number; maxMs: number }> {
  const shard = IndexedStore.create([{ name: 'bucket', kind: 'categorical' }], options, 'bench');
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const started = performance.now();
  await shard.upsertChunked(items, vectors.vectors, new Float32Array(items.length));
  const seconds = (performance.now() - started) / 1000;
  histogram.disable();
  return { shard, seconds, p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6 };
}

/** Per selectivity at k: QPS of the graph search (deepening) against the exact scan over matching items, and the graph's recall. */
export function filterSwitch(shard: IndexedStore, queries: VectorSet, k: number): { bucket: string; matching: number; graphQps: number; graphRecall: number; exactQps: number }[] {
  const exact = new IndexedStore(shard.store, shard.index, shard.modelVersion, { exactScanMaxItems: Number.POSITIVE_INFINITY, maxDepthFraction: 1, graphCandidateCost: 0 });
  const graph = new IndexedStore(shard.store, shard.index, shard.modelVersion, { exactScanMaxItems: 0, maxDepthFraction: 1, graphCandidateCost: 0 });
  return Object.keys(SELECTIVITIES).map((bucket) => {
    const code = shard.store.attributes.valueCode(0, bucket);
    const conditions: AttributeCondition[] = [{ kind: 'values', field: 0, codes: Int32Array.of(code ?? -1) }];
    const query = (q: number) => ({ queries: queries.vectors.subarray(q * queries.dim, (q + 1) * queries.dim), queryCount: 1, k, excludeIds: [], conditions });
    const truth = Array.from({ length: queries.count }, (_, q) => exact.search(query(q))[0].slots);
    let recall = 0;
    const graphTiming = timeCalls(queries.count, (q) => {
      recall += recallAt(graph.search(query(q))[0].slots, truth[q], k);
    });
    const exactTiming = timeCalls(queries.count, (q) => exact.search(query(q)));
    return { bucket, matching: shard.store.attributes.estimateMatches(conditions) ?? 0, graphQps: graphTiming.qps, graphRecall: recall / queries.count, exactQps: exactTiming.qps };
  });
}

/** Start-up from a snapshot against rebuilding the index from the stored embeddings (ItemNet inference excluded). */
export async function startupTimes(shard: IndexedStore, options: VectorIndexOptions): Promise<{ snapshotWriteSeconds: number; fromSnapshotSeconds: number; rebuildSeconds: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'dlrs-bench-snapshot-'));
  try {
    const written = await writeSnapshot(dir, shard, 1);
    let started = performance.now();
    const loaded = await readLatestSnapshot(dir, options);
    const fromSnapshotSeconds = (performance.now() - started) / 1000;
    if (loaded?.state.index.size !== shard.index.size) throw new Error('the snapshot did not restore every item');
    started = performance.now();
    const rebuilt = new IndexedStore(loaded.state.store, new VectorIndex(options), 'bench');
    await rebuilt.indexAll();
    return { snapshotWriteSeconds: written.durationMs / 1000, fromSnapshotSeconds, rebuildSeconds: (performance.now() - started) / 1000 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
