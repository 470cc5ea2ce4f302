import {
  concatBackward,
  concatForward,
  denseBackward,
  denseForward,
  dropoutBackward,
  dropoutForward,
  eluBackward,
  eluForward,
  rowDotBackward,
  rowDotForward,
} from '../nn/index.js';
import type { Param } from '../nn/index.js';
import type { SeededRandom } from '../../../shared/random/index.js';
import { param } from './param-lookup.js';

/** RankNet's logits for m pairs and what backward needs. */
export interface RankOutput {
  readonly m: number;
  /** logit [m] = tower + e_u·e_i + b_u + b_i */
  readonly logit: Float32Array;
  readonly cache: {
    eu: Float32Array;
    ei: Float32Array;
    x: Float32Array;
    h1: Float32Array;
    h2: Float32Array;
    h3: Float32Array;
    mask: Float32Array | null;
  };
}

/** Gradients of RankNet's inputs. */
export interface RankInputGrads {
  readonly deu: Float32Array;
  readonly dei: Float32Array;
  /** d logit / d b_u = d logit / d b_i = the logit gradient itself. */
  readonly dbias: Float32Array;
}

/**
 * RankNet: tower [e_u ⊕ e_i] → d → d/2 (dropout) → d/4, ELU each, → 1, plus the dot
 * product and both biases in the logit, so that inner-product retrieval and ranking agree.
 */
export class RankNet {
  constructor(
    private readonly dim: number,
    private readonly params: Map<string, Param>,
  ) {}

  /** Pairs are row-aligned: eu[r], ei[r], bu[r], bi[r]. `dropout` only when training. */
  forward(
    eu: Float32Array,
    ei: Float32Array,
    bu: Float32Array,
    bi: Float32Array,
    m: number,
    dropout: { rate: number; rng: SeededRandom } | null,
  ): RankOutput {
    const p = (n: string): Param => param(this.params, n);
    const d = this.dim;
    const x = concatForward([eu, ei], [d, d], m);
    const h1 = eluForward(denseForward(x, m, p('rank.l1.w'), p('rank.l1.b')));
    const h2 = eluForward(denseForward(h1, m, p('rank.l2.w'), p('rank.l2.b')));
    const mask = dropout !== null && dropout.rate > 0 ? dropoutForward(h2, dropout.rate, dropout.rng) : null;
    const h3 = eluForward(denseForward(h2, m, p('rank.l3.w'), p('rank.l3.b')));
    const logit = denseForward(h3, m, p('rank.out.w'), p('rank.out.b'));
    const dot = rowDotForward(eu, ei, m, d);
    for (let r = 0; r < m; r++) logit[r] += dot[r] + bu[r] + bi[r];
    return { m, logit, cache: { eu, ei, x, h1, h2, h3, mask } };
  }

  /**
   * Accumulates parameter gradients and returns the inputs' gradients; with
   * `inputGrads` false (RankNet detached from the towers) deu/dei are left empty and
   * the first layer's input gradient is not computed.
   */
  backward(out: RankOutput, dlogit: Float32Array, inputGrads = true): RankInputGrads {
    const p = (n: string): Param => param(this.params, n);
    const d = this.dim;
    const { m } = out;
    const { eu, ei, x, h1, h2, h3, mask } = out.cache;
    const dh3 = eluBackward(h3, denseBackward(h3, dlogit, m, p('rank.out.w'), p('rank.out.b'), true)!);
    let dh2 = denseBackward(h2, dh3, m, p('rank.l3.w'), p('rank.l3.b'), true)!;
    if (mask !== null) dh2 = dropoutBackward(dh2, mask);
    // h2 holds the post-dropout values; ELU's derivative needs the pre-dropout output,
    // which equals h2 / keep where kept (and the gradient is already 0 where dropped).
    eluBackward(mask === null ? h2 : undropped(h2, mask), dh2);
    const dh1 = eluBackward(h1, denseBackward(h1, dh2, m, p('rank.l2.w'), p('rank.l2.b'), true)!);
    const dx = denseBackward(x, dh1, m, p('rank.l1.w'), p('rank.l1.b'), inputGrads);
    if (dx === null) return { deu: new Float32Array(0), dei: new Float32Array(0), dbias: dlogit };
    const [deu, dei] = concatBackward(dx, [d, d], m);
    rowDotBackward(eu, ei, dlogit, m, d, deu, dei);
    return { deu, dei, dbias: dlogit };
  }
}

function undropped(h: Float32Array, mask: Float32Array): Float32Array {
  const out = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) out[i] = mask[i] === 0 ? 0 : h[i] / mask[i];
  return out;
}
