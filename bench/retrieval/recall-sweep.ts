import hnswlib from 'hnswlib-node';
import { readFile, writeFile } from 'node:fs/promises';
import { exactSearch, MetricKind } from 'usearch';
import type { BatchMatches } from 'usearch';
import { IndexThread } from '../../services/retrieval/hnsw/index-thread.js';
import { IndexedStore } from '../../services/retrieval/store/indexed-store.js';
import { ItemStore } from '../../services/retrieval/store/item-store.js';
import { TopK } from '../../services/retrieval/search/top-k.js';
import { DEFAULT_HNSW_SETTINGS, VectorIndex } from '../../shared/vector-index/index.js';
import type { Quantization, VectorIndexOptions } from '../../shared/vector-index/index.js';
import { cachePath, exists, load, progress, storeInCache } from './bench-cache.js';
import { recallAt, timeAsyncCalls, timeCalls } from './measure.js';
import type { Timing } from './measure.js';
import type { VectorSet } from './synthetic-vectors.js';

/** One measured point of the sweep. */
export interface SweepRow {
  engine: string;
  k: number;
  expansion: number;
  recall: number;
  qps: number;
  p99Ms: number;
}

/** Index settings shared by the engines. */
export interface SweepSettings {
  connectivity: number;
  expansionAdd: number;
  ks: number[];
  quantizations: Quantization[];
  /** Which of usearch (in-process and the shard's path), hnswlib and exact to measure. */
  engines: ReadonlySet<string>;
}

/** Why 20 000 rows: a build chunk of a few seconds, so progress shows while the 1M builds run. */
const BUILD_CHUNK_ROWS = 20_000;

/** The exact top `k` ids of every query (row-major, queries.count × k), on all cores; cached. */
export async function groundTruth(items: VectorSet, queries: VectorSet, k: number): Promise<Int32Array> {
  const path = await cachePath(`truth-${items.count}x${items.dim}-${queries.count}q-k${k}.i32`);
  if (await exists(path)) return new Int32Array((await readFile(path)).buffer.slice(0));
  const matches = exactSearch(items.vectors, queries.vectors, items.dim, k, MetricKind.IP, 0) as BatchMatches;
  const truth = Int32Array.from(matches.keys, (key) => Number(key));
  await storeInCache(path, (tmp) => writeFile(tmp, new Uint8Array(truth.buffer)));
  return truth;
}

/** The cached file of the USearch index over `items` (keys = rows) with these settings. */
export function usearchCacheName(items: VectorSet, options: Pick<VectorIndexOptions, 'connectivity' | 'expansionAdd' | 'quantization'>): string {
  return `usearch-${items.count}x${items.dim}-M${options.connectivity}-efc${options.expansionAdd}-${options.quantization}.usearch`;
}

/** Builds (on all cores, timed, with progress) or loads the USearch index of `items`; returns its path and the build seconds (undefined when cached). */
async function usearchIndexFile(items: VectorSet, options: VectorIndexOptions, log: (line: string) => void): Promise<{ path: string; buildSeconds: number | undefined }> {
  const path = await cachePath(usearchCacheName(items, options));
  if (await exists(path)) return { path, buildSeconds: undefined };
  const index = new VectorIndex({ ...options, addThreads: 0 });
  const report = progress(log, `building usearch-${options.quantization}`, items.count);
  const started = performance.now();
  for (let start = 0; start < items.count; start += BUILD_CHUNK_ROWS) {
    const end = Math.min(items.count, start + BUILD_CHUNK_ROWS);
    index.add(Int32Array.from({ length: end - start }, (_, i) => start + i), items.vectors.subarray(start * items.dim, end * items.dim));
    report(end);
  }
  const buildSeconds = (performance.now() - started) / 1000;
  await storeInCache(path, (tmp) => index.save(tmp));
  return { path, buildSeconds };
}

function expansionsFor(k: number): number[] {
  return [...new Set([Math.max(16, k), 2 * Math.max(16, k), 4 * Math.max(16, k)])];
}

/**
 * Recall@k against exact search and single-threaded QPS over a sweep of
 * expansion settings: USearch in-process (per quantization), hnswlib-node
 * and exact scans; and the shard's search path (index worker + exact
 * re-scoring, per quantization) at the service's default expansion. Indexes are built once on all cores and
 * cached under .data/.
 */
export async function recallSweep(items: VectorSet, queries: VectorSet, truth: Int32Array, truthK: number, settings: SweepSettings, log: (line: string) => void): Promise<{ rows: SweepRow[]; buildSeconds: Record<string, number> }> {
  const rows: SweepRow[] = [];
  const buildSeconds: Record<string, number> = {};
  const record = (engine: string, k: number, expansion: number, recall: number, timing: Timing): void => {
    const row = { engine, k, expansion, recall: recall / queries.count, qps: timing.qps, p99Ms: timing.p99Ms };
    rows.push(row);
    log(`${engine.padEnd(14)} k=${String(k).padStart(4)} ef=${String(expansion).padStart(4)} recall=${row.recall.toFixed(3)} qps=${row.qps.toFixed(0).padStart(6)} p99=${row.p99Ms.toFixed(2)}ms  (${load()})`);
  };
  const measure = (engine: string, k: number, expansion: number, search: (q: number) => ArrayLike<number>): void => {
    let recall = 0;
    const timing = timeCalls(queries.count, (q) => {
      recall += recallAt(search(q), truth.subarray(q * truthK, (q + 1) * truthK), k);
    });
    record(engine, k, expansion, recall, timing);
  };
  const measureAsync = async (engine: string, k: number, expansion: number, search: (q: number) => Promise<ArrayLike<number>>): Promise<void> => {
    let recall = 0;
    const timing = await timeAsyncCalls(queries.count, async (q) => {
      recall += recallAt(await search(q), truth.subarray(q * truthK, (q + 1) * truthK), k);
    });
    record(engine, k, expansion, recall, timing);
  };

  // The shard's store, for the service's search path: exact re-scoring (and 2k candidates under f16/i8).
  const store = new ItemStore(items.dim, [], items.count);
  for (let i = 0; i < items.count; i++) store.put({ id: String(i), features: {} }, items.vectors, i * items.dim, 0);
  for (const quantization of settings.engines.has('usearch') ? settings.quantizations : []) {
    const options: VectorIndexOptions = { dim: items.dim, connectivity: settings.connectivity, expansionAdd: settings.expansionAdd, expansionSearch: 16, quantization, addThreads: 1 };
    const { path, buildSeconds: built } = await usearchIndexFile(items, options, log);
    if (built !== undefined) {
      buildSeconds[`usearch-${quantization}`] = built;
      log(`built usearch-${quantization} in ${built.toFixed(1)} s on all cores (${load()})`);
    }
    // One load per quantization: a search for `expansion` results runs with a beam of max(ef, count), so its first k are the answer of ef = expansion.
    const index = VectorIndex.load(path, { ...options, expansionSearch: 1 });
    for (const k of settings.ks) {
      for (const expansion of expansionsFor(k)) {
        measure(`usearch-${quantization}`, k, expansion, (q) => index.search(queries.vectors, q * items.dim, expansion).slots.subarray(0, k));
      }
    }
    // The service's path at its default expansion: graph search in the index worker, exact re-scoring here.
    const thread = await IndexThread.open({ ...options, expansionSearch: DEFAULT_HNSW_SETTINGS.expansionSearch }, path);
    const shard = new IndexedStore(store, thread, 'bench');
    for (const k of settings.ks) {
      const query = (q: number) => ({ queries: queries.vectors.subarray(q * items.dim, (q + 1) * items.dim), queryCount: 1, k, excludeIds: [], conditions: [] });
      const oversampling = quantization === 'f32' ? 1 : 2;
      await measureAsync(`shard-${quantization}`, k, Math.max(DEFAULT_HNSW_SETTINGS.expansionSearch, k * oversampling), async (q) => (await shard.search(query(q)))[0].slots);
    }
    await thread.close();
  }

  if (settings.engines.has('hnswlib')) {
    const built = await sweepHnswlib(items, queries, settings, measure, log);
    if (built !== undefined) buildSeconds['hnswlib-f32'] = built;
  }
  if (settings.engines.has('exact')) {
    for (const k of settings.ks) {
      measure('exact-usearch', k, 0, (q) => {
        // A copy: exactSearch reads a subarray from the start of its buffer.
        const m = exactSearch(items.vectors, queries.vectors.slice(q * items.dim, (q + 1) * items.dim), items.dim, k, MetricKind.IP, 1);
        return Array.from(m.keys, Number);
      });
      measure('exact-js', k, 0, (q) => exactScan(items, queries.vectors, q * items.dim, k));
    }
  }
  return { rows, buildSeconds };
}

/** hnswlib-node over the sweep's expansions; builds (single-threaded, cached) when needed and returns the build seconds then. */
async function sweepHnswlib(
  items: VectorSet,
  queries: VectorSet,
  settings: SweepSettings,
  measure: (engine: string, k: number, expansion: number, search: (q: number) => ArrayLike<number>) => void,
  log: (line: string) => void,
): Promise<number | undefined> {
  let buildSeconds: number | undefined;
  const hnsw = new hnswlib.HierarchicalNSW('ip', items.dim);
  const hnswPath = await cachePath(`hnswlib-${items.count}x${items.dim}-M${settings.connectivity}-efc${settings.expansionAdd}.bin`);
  if (await exists(hnswPath)) {
    hnsw.readIndexSync(hnswPath);
  } else {
    const report = progress(log, 'building hnswlib-f32 (single-threaded)', items.count);
    const started = performance.now();
    hnsw.initIndex(items.count, settings.connectivity, settings.expansionAdd, 1);
    for (let i = 0; i < items.count; i++) {
      hnsw.addPoint(Array.from(items.vectors.subarray(i * items.dim, (i + 1) * items.dim)), i);
      if (i % 1000 === 999) report(i + 1);
    }
    buildSeconds = (performance.now() - started) / 1000;
    log(`built hnswlib-f32 in ${buildSeconds.toFixed(1)} s, one thread (${load()})`);
    await storeInCache(hnswPath, (tmp) => hnsw.writeIndexSync(tmp));
  }
  const queryArrays = Array.from({ length: queries.count }, (_, q) => Array.from(queries.vectors.subarray(q * items.dim, (q + 1) * items.dim)));
  for (const k of settings.ks) {
    for (const expansion of expansionsFor(k)) {
      hnsw.setEf(expansion);
      measure('hnswlib-f32', k, expansion, (q) => hnsw.searchKnn(queryArrays[q], k).neighbors);
    }
  }

  return buildSeconds;
}

function exactScan(items: VectorSet, queries: Float32Array, offset: number, k: number): Int32Array {
  const top = new TopK(k);
  const { vectors, dim, count } = items;
  for (let row = 0; row < count; row++) {
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += vectors[row * dim + j] * queries[offset + j];
    top.push(row, sum);
  }
  return top.drain().slots;
}
