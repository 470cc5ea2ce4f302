// The first stage of the deep model's two-stage ranking, as served: the retrieval service's
// VectorIndex (USearch HNSW, inner product, the service's default settings), a user's train
// items filtered out of the answer.
import { DEFAULT_HNSW_SETTINGS, VectorIndex } from '../../../shared/vector-index/index.js';

/** An inner-product HNSW index over row-major item vectors; keys are item rows. */
export class InnerProductIndex {
  private readonly index: VectorIndex;

  constructor(vectors: Float32Array, dim: number) {
    this.index = new VectorIndex({ dim, ...DEFAULT_HNSW_SETTINGS, quantization: 'f32', addThreads: 0 });
    const count = vectors.length / dim;
    this.index.add(Int32Array.from({ length: count }, (_, i) => i), vectors);
  }

  /** Items indexed. */
  get size(): number {
    return this.index.size;
  }

  /**
   * The `count` items of largest inner product with `query`, best first, skipping `exclude`
   * (the user's known items): the search asks for count + |exclude| so the answer stays full.
   */
  nearest(query: Float32Array, count: number, exclude: ReadonlySet<number>): Int32Array {
    if (count < 1) return new Int32Array(0);
    const hits = this.index.search(query, 0, count + exclude.size);
    const out: number[] = [];
    for (const row of hits.slots) {
      if (exclude.has(row)) continue;
      out.push(row);
      if (out.length === count) break;
    }
    return Int32Array.from(out);
  }
}
