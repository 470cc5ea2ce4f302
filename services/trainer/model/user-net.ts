import {
  concatBackward,
  concatForward,
  denseBackward,
  denseForward,
  eluBackward,
  eluForward,
  embeddingBagBackward,
  embeddingBagForward,
} from '../nn/index.js';
import type { Param } from '../nn/index.js';
import { towerHeadsBackward, towerHeadsForward } from './tower-heads.js';
import type { TowerOutput } from './item-net.js';
import { continuousWidth, featureWidth, floatInput, INPUT_NAMES, intInput } from './model-shape.js';
import type { ModelShape } from './model-shape.js';
import type { TensorMap } from '../../../shared/features/index.js';
import { param } from './param-lookup.js';

/**
 * UserNet: the weighted bag of the user's recent item ids (a table separate from
 * ItemNet's) ⊕ per-feature ELU layers over the profile's value distributions and
 * continuous statistics, projected linearly to e_u; b_u is a linear head on the same
 * concatenation.
 */
export class UserNet {
  constructor(
    private readonly shape: ModelShape,
    private readonly params: Map<string, Param>,
  ) {}

  forward(feed: TensorMap, m: number): TowerOutput {
    const p = (n: string): Param => param(this.params, n);
    const bagIds = intInput(feed, INPUT_NAMES.userBagIds);
    const bagWeights = decayBag(floatInput(feed, INPUT_NAMES.userBagWeights), this.shape.bagLength, this.shape.bagHalfLife ?? 0);
    const parts: Float32Array[] = [embeddingBagForward(p('user.bag'), bagIds, bagWeights, this.shape.bagLength)];
    const widths: number[] = [this.shape.dim];
    const recent = this.recentBag(feed);
    if (recent !== undefined) {
      parts.push(embeddingBagForward(p(recentTable(this.shape)), recent.ids, recent.weights, recent.n));
      widths.push(this.shape.dim);
    }
    for (const f of this.shape.features) {
      const x = floatInput(feed, INPUT_NAMES.userDist(f.name));
      parts.push(eluForward(denseForward(x, m, p(`user.dist.${f.name}.w`), p(`user.dist.${f.name}.b`))));
      widths.push(featureWidth(f.size, this.shape));
    }
    if (this.shape.continuousCount > 0) {
      const x = floatInput(feed, INPUT_NAMES.userCont);
      parts.push(eluForward(denseForward(x, m, p('user.cont.w'), p('user.cont.b'))));
      widths.push(continuousWidth(2 * this.shape.continuousCount, this.shape));
    }
    const h = concatForward(parts, widths, m);
    const { e, b } = towerHeadsForward(h, m, p, 'user');
    return { m, e, b, cache: { feed, parts, widths, h, bagWeights } };
  }

  /** Accumulates parameter gradients from de [m, d] and db [m]. */
  backward(out: TowerOutput, de: Float32Array, db: Float32Array): void {
    const p = (n: string): Param => param(this.params, n);
    const { m } = out;
    const { feed, parts, widths, h, bagWeights } = out.cache;
    const dh = towerHeadsBackward(h, de, db, m, p, 'user');
    const dparts = concatBackward(dh, widths, m);
    embeddingBagBackward(
      p('user.bag'),
      intInput(feed, INPUT_NAMES.userBagIds),
      bagWeights ?? floatInput(feed, INPUT_NAMES.userBagWeights),
      this.shape.bagLength,
      dparts[0],
    );
    let k = 1;
    const recent = this.recentBag(feed);
    if (recent !== undefined) embeddingBagBackward(p(recentTable(this.shape)), recent.ids, recent.weights, recent.n, dparts[k++]);
    for (const f of this.shape.features) {
      const dy = eluBackward(parts[k], dparts[k]);
      denseBackward(floatInput(feed, INPUT_NAMES.userDist(f.name)), dy, m, p(`user.dist.${f.name}.w`), p(`user.dist.${f.name}.b`), false);
      k++;
    }
    if (this.shape.continuousCount > 0) {
      const dy = eluBackward(parts[k], dparts[k]);
      denseBackward(floatInput(feed, INPUT_NAMES.userCont), dy, m, p('user.cont.w'), p('user.cont.b'), false);
    }
  }

  /** The second bag's inputs (`recentBag`), undefined when the shape has none. */
  private recentBag(feed: TensorMap): RecentBag | undefined {
    const n = this.shape.recentBagLength ?? 0;
    if (n === 0) return undefined;
    return recentBag(intInput(feed, INPUT_NAMES.userBagIds), floatInput(feed, INPUT_NAMES.userBagWeights), this.shape.bagLength, n);
  }
}

/** The parameter name of the second bag's table. */
export function recentTable(shape: ModelShape): string {
  return shape.recentBagShared === true ? 'user.bag' : 'user.recent';
}

/** The first n positions of every bag row. */
export interface RecentBag {
  readonly ids: Int32Array;
  readonly weights: Float32Array;
  readonly n: number;
}

/** The bag's first n positions (most recent first), each row's weights renormalised to sum 1 (an empty row stays 0). */
export function recentBag(ids: Int32Array, weights: Float32Array, bag: number, n: number): RecentBag {
  const rows = ids.length / bag;
  const outIds = new Int32Array(rows * n);
  const outWeights = new Float32Array(rows * n);
  for (let r = 0; r < rows; r++) {
    let total = 0;
    for (let j = 0; j < n; j++) total += weights[r * bag + j];
    for (let j = 0; j < n; j++) {
      outIds[r * n + j] = ids[r * bag + j];
      if (total > 0) outWeights[r * n + j] = weights[r * bag + j] / total;
    }
  }
  return { ids: outIds, weights: outWeights, n };
}

/** The bag weights with position n scaled by 2^(−n / halfLife), each row renormalised to sum 1; `weights` itself when halfLife is 0. */
export function decayBag(weights: Float32Array, bag: number, halfLife: number): Float32Array {
  if (halfLife === 0) return weights;
  const factor = Float64Array.from({ length: bag }, (_, n) => Math.pow(2, -n / halfLife));
  const out = new Float32Array(weights.length);
  for (let o = 0; o < weights.length; o += bag) {
    let total = 0;
    for (let n = 0; n < bag; n++) total += weights[o + n] * factor[n];
    if (total > 0) for (let n = 0; n < bag; n++) out[o + n] = (weights[o + n] * factor[n]) / total;
  }
  return out;
}
