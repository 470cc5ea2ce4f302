import { createRequire } from 'node:module';
import type * as Usearch from 'usearch';

// The CommonJS build: the ES module build finds its native addon through a stack-trace lookup
// that never returns inside a worker thread started from source (shared/workers' eval bootstrap).
const { Index, MetricKind, ScalarKind } = createRequire(import.meta.url)('usearch') as typeof Usearch;
type Index = Usearch.Index;
type ScalarKind = Usearch.ScalarKind;

/** Vector quantization of the HNSW index; the item store always keeps exact float32 embeddings. */
export type Quantization = 'f32' | 'f16' | 'i8';

/** The quantizations the index accepts. */
export const QUANTIZATIONS: readonly Quantization[] = ['f32', 'f16', 'i8'];

const SCALAR_KIND: Record<Quantization, ScalarKind> = { f32: ScalarKind.F32, f16: ScalarKind.F16, i8: ScalarKind.I8 };

/**
 * The HNSW settings the retrieval service starts with and the evaluation's two-stage model uses,
 * so that offline figures describe the served index.
 */
export const DEFAULT_HNSW_SETTINGS = Object.freeze({
  /** Why 16: the usual HNSW M for 64-d embeddings; recall@100 ≥ 0.95 at modest expansion (bench/retrieval). */
  connectivity: 16,
  /** Why 128: build quality close to saturation at M = 16 without doubling the build time. */
  expansionAdd: 128,
  /** Why 128: recall@100 near 0.99 on clustered 64-d embeddings; larger k searches at least k deep anyway. */
  expansionSearch: 128,
});

/** HNSW settings of a shard's index. */
export interface VectorIndexOptions {
  dim: number;
  /** Edges per node (M). */
  connectivity: number;
  /** Candidate list size while inserting (efConstruction). */
  expansionAdd: number;
  /** Candidate list size while searching (ef); a search for more than this many uses its count instead. */
  expansionSearch: number;
  quantization: Quantization;
  /** Threads a bulk add may use; 0 = all cores. */
  addThreads: number;
}

/** Nearest neighbours of one query: slots and inner products (approximate under f16/i8), best first. */
export interface IndexHits {
  slots: Int32Array;
  similarities: Float32Array;
}

/**
 * The HNSW index of one shard over USearch with the inner-product metric
 * (docs/model-contract.md). Keys are item-store slots. The binding's calls are
 * synchronous: callers bound the rows added per call to keep the event loop
 * responsive.
 */
export class VectorIndex {
  readonly options: Readonly<VectorIndexOptions>;
  private readonly index: Index;

  constructor(options: VectorIndexOptions) {
    this.options = Object.freeze({ ...options });
    this.index = new Index({
      dimensions: options.dim,
      metric: MetricKind.IP,
      quantization: SCALAR_KIND[options.quantization],
      connectivity: options.connectivity,
      expansion_add: options.expansionAdd,
      expansion_search: options.expansionSearch,
      multi: false,
    });
  }

  /** Opens an index saved by {@link VectorIndex.save} with these settings (dim and quantization must match the file). */
  static load(path: string, options: VectorIndexOptions): VectorIndex {
    const index = new VectorIndex(options);
    index.index.load(path);
    if (index.index.dimensions() !== options.dim) {
      throw new Error(`index file ${path} has dimension ${index.index.dimensions()}, expected ${options.dim}`);
    }
    return index;
  }

  /** Vectors indexed. */
  get size(): number {
    return this.index.size();
  }

  /** Indexes `count` rows of `vectors` (row-major, dim wide) under the given slots; a slot must not be indexed yet. */
  add(slots: ArrayLike<number>, vectors: Float32Array): void {
    if (slots.length === 0) return;
    if (vectors.length !== slots.length * this.options.dim) {
      throw new RangeError(`add: ${slots.length} slots need ${slots.length * this.options.dim} floats, got ${vectors.length}`);
    }
    const keys = BigUint64Array.from(Array.from(slots, (slot) => BigInt(slot)));
    this.index.add(keys, vectors, this.options.addThreads);
  }

  /** Removes a slot's vector; a slot not indexed is ignored. */
  remove(slot: number): void {
    this.index.remove(BigInt(slot));
  }

  /** Whether a slot is indexed. */
  has(slot: number): boolean {
    return this.index.contains(BigInt(slot)) === true;
  }

  /** The `count` nearest slots to the query at `offset` in `queries`, on the calling thread. */
  search(queries: Float32Array, offset: number, count: number): IndexHits {
    const size = this.index.size();
    if (size === 0 || count < 1) return { slots: new Int32Array(0), similarities: new Float32Array(0) };
    const query = queries.subarray(offset, offset + this.options.dim);
    const matches = this.index.search(query, Math.min(count, size), 1);
    const found = matches.keys.length;
    // The keys as 32-bit words, read without a BigInt per key: a slot is below 2^31, so one
    // word of its key is zero whatever the byte order and the other is the slot.
    const words = new Uint32Array(matches.keys.buffer, matches.keys.byteOffset, 2 * found);
    const slots = new Int32Array(found);
    const similarities = new Float32Array(found);
    let n = 0;
    for (let i = 0; i < found; i++) {
      const low = words[2 * i];
      const high = words[2 * i + 1];
      // USearch pads a short answer with the all-ones key.
      if (low === 0xffffffff && high === 0xffffffff) continue;
      slots[n] = low | high;
      // The ip metric reports 1 - dot.
      similarities[n] = 1 - matches.distances[i];
      n++;
    }
    return { slots: slots.subarray(0, n), similarities: similarities.subarray(0, n) };
  }

  /** Writes the index to a file (synchronous). */
  save(path: string): void {
    this.index.save(path);
  }

  /** Approximate bytes held: the vectors at their quantization plus the graph's links. */
  memoryBytes(): number {
    const bytesPerScalar = this.options.quantization === 'f32' ? 4 : this.options.quantization === 'f16' ? 2 : 1;
    // Level 0 holds 2M links of 4 bytes, upper levels add about 1/M of that again.
    const linkBytes = 2 * this.options.connectivity * 4 * 1.1;
    return Math.round(this.index.size() * (this.options.dim * bytesPerScalar + linkBytes + 16));
  }
}
