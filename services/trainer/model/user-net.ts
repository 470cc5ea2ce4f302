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
import type { TowerOutput } from './item-net.js';
import { continuousWidth, featureWidth, INPUT_NAMES } from './model-shape.js';
import type { Feed, ModelShape } from './model-shape.js';
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

  forward(feed: Feed, m: number): TowerOutput {
    const p = (n: string): Param => param(this.params, n);
    const bagIds = feed.get(INPUT_NAMES.userBagIds) as Int32Array;
    const bagWeights = feed.get(INPUT_NAMES.userBagWeights) as Float32Array;
    const parts: Float32Array[] = [embeddingBagForward(p('user.bag'), bagIds, bagWeights, this.shape.bagLength)];
    const widths: number[] = [this.shape.dim];
    for (const f of this.shape.features) {
      const x = feed.get(INPUT_NAMES.userDist(f.name)) as Float32Array;
      parts.push(eluForward(denseForward(x, m, p(`user.dist.${f.name}.w`), p(`user.dist.${f.name}.b`))));
      widths.push(featureWidth(f.size));
    }
    if (this.shape.continuousCount > 0) {
      const x = feed.get(INPUT_NAMES.userCont) as Float32Array;
      parts.push(eluForward(denseForward(x, m, p('user.cont.w'), p('user.cont.b'))));
      widths.push(continuousWidth(2 * this.shape.continuousCount));
    }
    const h = concatForward(parts, widths, m);
    const e = denseForward(h, m, p('user.proj.w'), p('user.proj.b'));
    const b = denseForward(h, m, p('user.bias.w'), p('user.bias.b'));
    return { m, e, b, cache: { feed, parts, widths, h } };
  }

  /** Accumulates parameter gradients from de [m, d] and db [m]. */
  backward(out: TowerOutput, de: Float32Array, db: Float32Array): void {
    const p = (n: string): Param => param(this.params, n);
    const { m } = out;
    const { feed, parts, widths, h } = out.cache;
    const dh = denseBackward(h, de, m, p('user.proj.w'), p('user.proj.b'), true)!;
    const dhb = denseBackward(h, db, m, p('user.bias.w'), p('user.bias.b'), true)!;
    for (let i = 0; i < dh.length; i++) dh[i] += dhb[i];
    const dparts = concatBackward(dh, widths, m);
    embeddingBagBackward(
      p('user.bag'),
      feed.get(INPUT_NAMES.userBagIds) as Int32Array,
      feed.get(INPUT_NAMES.userBagWeights) as Float32Array,
      this.shape.bagLength,
      dparts[0],
    );
    let k = 1;
    for (const f of this.shape.features) {
      const dy = eluBackward(parts[k], dparts[k]);
      denseBackward(feed.get(INPUT_NAMES.userDist(f.name)) as Float32Array, dy, m, p(`user.dist.${f.name}.w`), p(`user.dist.${f.name}.b`), false);
      k++;
    }
    if (this.shape.continuousCount > 0) {
      const dy = eluBackward(parts[k], dparts[k]);
      denseBackward(feed.get(INPUT_NAMES.userCont) as Float32Array, dy, m, p('user.cont.w'), p('user.cont.b'), false);
    }
  }
}
