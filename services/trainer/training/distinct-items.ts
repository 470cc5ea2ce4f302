import type { TensorMap } from '../../../shared/features/index.js';
import type { SeededRandom } from '../../../shared/random/index.js';
import { gatherFeed } from '../model/index.js';
import type { Model, TowerOutput } from '../model/index.js';
import { stepArray } from '../nn/index.js';
import { gatherRows } from './gather-rows.js';
import { dropItemIds } from './item-id-dropout.js';
import type { TowerRows } from './rank-pairs.js';

/** ItemNet's outputs for a step's item rows, computed once per distinct item. */
export interface DistinctItemsPass {
  /** e_i [n, d] and b_i [n], one row per occurrence, as if every occurrence had run through ItemNet. */
  readonly rows: TowerRows;
  /** Distinct items that ran through ItemNet. */
  readonly distinct: number;
  /** Sums the occurrences' gradients dE [n, d] and dB [n] per distinct item and runs ItemNet's backward once. */
  backward(dE: Float32Array, dB: Float32Array): void;
}

/**
 * Runs ItemNet once per distinct catalog row of a step: popular items recur among in-batch
 * targets and drawn negatives, and each recurrence would repeat the same forward and backward.
 * The id dropout then drops an item's id for all its occurrences in the step alike.
 */
export class DistinctItems {
  /** Catalog row → its slot among the step's distinct rows, -1 between steps. */
  private readonly slotOf: Int32Array;

  constructor(
    private readonly model: Model,
    private readonly catalog: TensorMap,
    catalogSize: number,
  ) {
    this.slotOf = new Int32Array(catalogSize).fill(-1);
  }

  /** ItemNet over catalog rows `rows` (repeats allowed), with id dropout at `idDropout`. */
  forward(rows: Int32Array, idDropout: number, rng: SeededRandom): DistinctItemsPass {
    const { model, slotOf } = this;
    const d = model.shape.dim;
    const n = rows.length;
    const slot = new Int32Array(n);
    const unique: number[] = [];
    for (let c = 0; c < n; c++) {
      let s = slotOf[rows[c]];
      if (s < 0) {
        s = slotOf[rows[c]] = unique.length;
        unique.push(rows[c]);
      }
      slot[c] = s;
    }
    for (const row of unique) slotOf[row] = -1;
    const u = unique.length;
    const feed = gatherFeed(this.catalog, Int32Array.from(unique));
    if (idDropout > 0) dropItemIds(feed, idDropout, rng);
    const out: TowerOutput = model.item.forward(feed, u);
    return {
      rows: { e: gatherRows(out.e, slot, d), b: gatherRows(out.b, slot, 1) },
      distinct: u,
      backward(dE, dB) {
        const dEu = stepArray(u * d);
        const dBu = new Float32Array(u);
        for (let c = 0; c < n; c++) {
          const s = slot[c];
          for (let j = 0; j < d; j++) dEu[s * d + j] += dE[c * d + j];
          dBu[s] += dB[c];
        }
        model.item.backward(out, dEu, dBu);
      },
    };
  }
}
