import {
  concatBackward,
  concatForward,
  denseBackward,
  denseForward,
  eluBackward,
  eluForward,
  embeddingBackward,
  embeddingForward,
} from '../nn/index.js';
import type { Param } from '../nn/index.js';
import { towerHeadsBackward, towerHeadsForward } from './tower-heads.js';
import { continuousWidth, featureWidth, floatInput, INPUT_NAMES, intInput } from './model-shape.js';
import type { ModelShape } from './model-shape.js';
import type { TensorMap } from '../../../shared/features/index.js';
import { param } from './param-lookup.js';

/** ItemNet outputs for m rows and what backward needs. */
export interface TowerOutput {
  readonly m: number;
  /** e [m, d] */
  readonly e: Float32Array;
  /** b [m] */
  readonly b: Float32Array;
  readonly cache: TowerCache;
}

/** Activations kept for backward. */
export interface TowerCache {
  readonly feed: TensorMap;
  readonly parts: Float32Array[];
  readonly widths: number[];
  readonly h: Float32Array;
  /** UserNet: the bag weights after its recency decay, when it applies one. */
  readonly bagWeights?: Float32Array;
}

/**
 * ItemNet: item-id embedding ⊕ per-feature ELU layers (categorical: embedding of width
 * ≈ log2 V; multi-hot: dense V→w; continuous: dense C→w), projected linearly to e_i;
 * the bias b_i is a linear head on the same concatenation plus a per-item-id bias.
 */
export class ItemNet {
  constructor(
    private readonly shape: ModelShape,
    private readonly params: Map<string, Param>,
  ) {}

  forward(feed: TensorMap, m: number): TowerOutput {
    const p = (n: string): Param => param(this.params, n);
    const ids = intInput(feed, INPUT_NAMES.itemId);
    const parts: Float32Array[] = [embeddingForward(p('item.id'), ids)];
    const widths: number[] = [this.shape.dim];
    for (const f of this.shape.features) {
      if (f.kind === 'categorical') {
        parts.push(eluForward(embeddingForward(p(`item.cat.${f.name}`), intInput(feed, INPUT_NAMES.itemCat(f.name)))));
      } else {
        const x = floatInput(feed, INPUT_NAMES.itemMulti(f.name));
        parts.push(eluForward(denseForward(x, m, p(`item.multi.${f.name}.w`), p(`item.multi.${f.name}.b`))));
      }
      widths.push(featureWidth(f.size, this.shape));
    }
    if (this.shape.continuousCount > 0) {
      const x = floatInput(feed, INPUT_NAMES.itemCont);
      parts.push(eluForward(denseForward(x, m, p('item.cont.w'), p('item.cont.b'))));
      widths.push(continuousWidth(this.shape.continuousCount, this.shape));
    }
    const h = concatForward(parts, widths, m);
    const { e, b } = towerHeadsForward(h, m, p, 'item');
    const idBias = p('item.idBias').value;
    for (let r = 0; r < m; r++) b[r] += idBias[ids[r]];
    return { m, e, b, cache: { feed, parts, widths, h } };
  }

  /** Accumulates parameter gradients from de [m, d] and db [m]. */
  backward(out: TowerOutput, de: Float32Array, db: Float32Array): void {
    const p = (n: string): Param => param(this.params, n);
    const { m } = out;
    const { feed, parts, widths, h } = out.cache;
    const ids = intInput(feed, INPUT_NAMES.itemId);
    const idBias = p('item.idBias');
    for (let r = 0; r < m; r++) {
      idBias.grad[ids[r]] += db[r];
      idBias.touched![ids[r]] = 1;
    }
    const dh = towerHeadsBackward(h, de, db, m, p, 'item');
    const dparts = concatBackward(dh, widths, m);
    embeddingBackward(p('item.id'), ids, dparts[0]);
    let k = 1;
    for (const f of this.shape.features) {
      const dy = eluBackward(parts[k], dparts[k]);
      if (f.kind === 'categorical') embeddingBackward(p(`item.cat.${f.name}`), intInput(feed, INPUT_NAMES.itemCat(f.name)), dy);
      else denseBackward(floatInput(feed, INPUT_NAMES.itemMulti(f.name)), dy, m, p(`item.multi.${f.name}.w`), p(`item.multi.${f.name}.b`), false);
      k++;
    }
    if (this.shape.continuousCount > 0) {
      const dy = eluBackward(parts[k], dparts[k]);
      denseBackward(floatInput(feed, INPUT_NAMES.itemCont), dy, m, p('item.cont.w'), p('item.cont.b'), false);
    }
  }
}
