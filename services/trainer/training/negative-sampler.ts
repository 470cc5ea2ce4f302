import type { SeededRandom } from '../../../shared/random/index.js';
import type { NegativeSampler } from './train-config.js';
import type { TrainingData } from './training-data.js';

/** Draws to find a non-positive before giving up and accepting the last draw. */
const MAX_REJECTIONS = 20;

/**
 * Negatives for the thesis objective: uniform over the catalog, or the thesis' Algorithm 1
 * (a random item of the positive's category); both skip the user's training items.
 */
export class NegativeSamplerImpl {
  private readonly members: Int32Array[];

  constructor(
    private readonly data: TrainingData,
    private readonly kind: NegativeSampler,
  ) {
    const byCategory = new Map<number, number[]>();
    for (let r = 0; r < data.catalogSize; r++) {
      const c = data.itemCategory[r];
      if (c < 0) continue;
      let list = byCategory.get(c);
      if (list === undefined) byCategory.set(c, (list = []));
      list.push(r);
    }
    this.members = [];
    for (const [c, rows] of byCategory) this.members[c] = Int32Array.from(rows);
  }

  /** One negative catalog row for `example` whose positive is `positiveRow`. */
  sample(example: number, positiveRow: number, rng: SeededRandom): number {
    const category = this.kind === 'category' ? this.data.itemCategory[positiveRow] : -1;
    const pool = category >= 0 ? this.members[category] : undefined;
    // Algorithm 1 needs another item in the category; otherwise fall back to uniform.
    const usePool = pool !== undefined && pool.length > 1;
    let row = 0;
    for (let attempt = 0; attempt < MAX_REJECTIONS; attempt++) {
      row = usePool ? pool[rng.int(pool.length)] : rng.int(this.data.catalogSize);
      if (row !== positiveRow && !this.data.isPositive(example, row)) return row;
    }
    return row;
  }
}

/** Walker's alias table: O(1) draws from a fixed discrete distribution (popularity). */
export class AliasTable {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[i];
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = Float64Array.from(weights, (w) => (w * n) / total);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.prob[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] -= 1 - scaled[s];
      (scaled[l] < 1 ? small : large).push(l);
    }
    for (const i of [...small, ...large]) this.prob[i] = 1;
  }

  sample(rng: SeededRandom): number {
    const i = rng.int(this.prob.length);
    return rng.next() < this.prob[i] ? i : this.alias[i];
  }
}
