// The first stage of the deep model's two-stage ranking, as served: USearch HNSW over item
// embeddings with the inner-product metric, a user's train items filtered out of the answer.
import { Index, MetricKind, ScalarKind } from 'usearch';

/** Edges per node: USearch's default, which keeps recall near 1 at catalog sizes of 10^4–10^5. */
const CONNECTIVITY = 16;
/** Candidate list while inserting: generous, since the index is built once per evaluation. */
const EXPANSION_ADD = 128;
/** Candidate list while searching; a search for more results uses its count instead. */
const EXPANSION_SEARCH = 128;
/** USearch pads a short answer with this key. */
const MISSING_KEY = 0xffffffffffffffffn;

/** An inner-product HNSW index over row-major item vectors; keys are item rows. */
export class InnerProductIndex {
  private readonly index: Index;

  constructor(
    vectors: Float32Array,
    private readonly dim: number,
  ) {
    this.index = new Index({
      dimensions: dim,
      metric: MetricKind.IP,
      quantization: ScalarKind.F32,
      connectivity: CONNECTIVITY,
      expansion_add: EXPANSION_ADD,
      expansion_search: EXPANSION_SEARCH,
      multi: false,
    });
    const count = vectors.length / dim;
    if (count > 0) this.index.add(BigUint64Array.from({ length: count }, (_, i) => BigInt(i)), vectors, 0);
  }

  /** Items indexed. */
  get size(): number {
    return this.index.size();
  }

  /**
   * The `count` items of largest inner product with `query`, best first, skipping `exclude`
   * (the user's known items): the search asks for count + |exclude| so the answer stays full.
   */
  nearest(query: Float32Array, count: number, exclude: ReadonlySet<number>): Int32Array {
    const size = this.index.size();
    const wanted = Math.min(size, count + exclude.size);
    if (wanted === 0 || count < 1) return new Int32Array(0);
    const matches = this.index.search(query.subarray(0, this.dim), wanted, 1);
    const out: number[] = [];
    for (const key of matches.keys) {
      if (key === MISSING_KEY) continue;
      const row = Number(key);
      if (exclude.has(row)) continue;
      out.push(row);
      if (out.length === count) break;
    }
    return Int32Array.from(out);
  }
}
