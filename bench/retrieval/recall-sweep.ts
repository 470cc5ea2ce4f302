import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { exactSearch, MetricKind } from 'usearch';
import type { BatchMatches } from 'usearch';
import { IndexedStore } from '../../services/retrieval/indexed-store.js';
import { ItemStore } from '../../services/retrieval/item-store.js';
import { TopK } from '../../services/retrieval/top-k.js';
import { VectorIndex } from '../../shared/vector-index/index.js';
import type { Quantization, VectorIndexOptions } from '../../shared/vector-index/index.js';
import { recallAt, timeCalls } from './measure.js';
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
}

/** The exact top `k` ids of every query (row-major, queries.count × k), on all cores. */
export function groundTruth(items: VectorSet, queries: VectorSet, k: number): Int32Array {
  const matches = exactSearch(items.vectors, queries.vectors, items.dim, k, MetricKind.IP, 0) as BatchMatches;
  return Int32Array.from(matches.keys, (key) => Number(key));
}

function expansionsFor(k: number): number[] {
  return [...new Set([Math.max(16, k), 2 * Math.max(16, k), 4 * Math.max(16, k)])];
}

/**
 * Builds a USearch index per quantization (timed), then measures recall@k
 * against exact search and single-threaded QPS over a sweep of expansion
 * settings, for the raw index and for the shard's search path (exact
 * re-scoring); hnswlib-node and exact scans are measured the same way.
 */
export async function recallSweep(items: VectorSet, queries: VectorSet, truth: Int32Array, truthK: number, settings: SweepSettings, log: (line: string) => void): Promise<{ rows: SweepRow[]; buildSeconds: Record<string, number> }> {
  const rows: SweepRow[] = [];
  const buildSeconds: Record<string, number> = {};
  const slots = Int32Array.from({ length: items.count }, (_, i) => i);
  const measure = (engine: string, k: number, expansion: number, search: (q: number) => ArrayLike<number>): void => {
    let recall = 0;
    const timing = timeCalls(queries.count, (q) => {
      recall += recallAt(search(q), truth.subarray(q * truthK, (q + 1) * truthK), k);
    });
    const row = { engine, k, expansion, recall: recall / queries.count, qps: timing.qps, p99Ms: timing.p99Ms };
    rows.push(row);
    log(`${engine.padEnd(14)} k=${String(k).padStart(4)} ef=${String(expansion).padStart(4)} recall=${row.recall.toFixed(3)} qps=${row.qps.toFixed(0)} p99=${row.p99Ms.toFixed(2)}ms`);
  };

  // The shard's store, for the service's search path: exact re-scoring (and 2k candidates under f16/i8).
  const store = new ItemStore(items.dim, [], items.count);
  for (let i = 0; i < items.count; i++) store.put({ id: String(i), features: {} }, items.vectors, i * items.dim, 0);
  for (const quantization of settings.quantizations) {
    const options: VectorIndexOptions = { dim: items.dim, connectivity: settings.connectivity, expansionAdd: settings.expansionAdd, expansionSearch: 16, quantization, addThreads: 1 };
    const started = performance.now();
    const built = new VectorIndex(options);
    built.add(slots, items.vectors);
    buildSeconds[`usearch-${quantization}`] = (performance.now() - started) / 1000;
    const path = join(tmpdir(), `dlrs-bench-${process.pid}-${quantization}.usearch`);
    built.save(path);
    for (const k of settings.ks) {
      for (const expansion of expansionsFor(k)) {
        const index = VectorIndex.load(path, { ...options, expansionSearch: expansion });
        measure(`usearch-${quantization}`, k, expansion, (q) => index.search(queries.vectors, q * items.dim, k).slots);
        const shard = new IndexedStore(store, index, 'bench');
        const query = (q: number) => ({ queries: queries.vectors.subarray(q * items.dim, (q + 1) * items.dim), queryCount: 1, k, excludeIds: [], conditions: [] });
        measure(`shard-${quantization}`, k, expansion, (q) => shard.search(query(q))[0].slots);
      }
    }
    await rm(path, { force: true });
  }

  const started = performance.now();
  const hnsw = new hnswlib.HierarchicalNSW('ip', items.dim);
  hnsw.initIndex(items.count, settings.connectivity, settings.expansionAdd, 1);
  for (let i = 0; i < items.count; i++) hnsw.addPoint(Array.from(items.vectors.subarray(i * items.dim, (i + 1) * items.dim)), i);
  buildSeconds['hnswlib-f32'] = (performance.now() - started) / 1000;
  const queryArrays = Array.from({ length: queries.count }, (_, q) => Array.from(queries.vectors.subarray(q * items.dim, (q + 1) * items.dim)));
  for (const k of settings.ks) {
    for (const expansion of expansionsFor(k)) {
      hnsw.setEf(expansion);
      measure('hnswlib-f32', k, expansion, (q) => hnsw.searchKnn(queryArrays[q], k).neighbors);
    }
  }

  for (const k of settings.ks) {
    measure('exact-usearch', k, 0, (q) => {
      // A copy: exactSearch reads a subarray from the start of its buffer.
      const m = exactSearch(items.vectors, queries.vectors.slice(q * items.dim, (q + 1) * items.dim), items.dim, k, MetricKind.IP, 1);
      return Array.from(m.keys, Number);
    });
    measure('exact-js', k, 0, (q) => exactScan(items, queries.vectors, q * items.dim, k));
  }
  return { rows, buildSeconds };
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
