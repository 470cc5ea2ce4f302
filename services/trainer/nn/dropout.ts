import type { SeededRandom } from '../../../shared/random/index.js';

/** Inverted dropout in place; returns the mask (already scaled by 1/(1-rate)) for backward. */
export function dropoutForward(x: Float32Array, rate: number, rng: SeededRandom): Float32Array {
  const mask = new Float32Array(x.length);
  const keep = 1 - rate;
  const scale = 1 / keep;
  for (let i = 0; i < x.length; i++) {
    if (rng.next() < keep) {
      mask[i] = scale;
      x[i] *= scale;
    } else x[i] = 0;
  }
  return mask;
}

/** dy ⊙ mask, in place. */
export function dropoutBackward(dy: Float32Array, mask: Float32Array): Float32Array {
  for (let i = 0; i < dy.length; i++) dy[i] *= mask[i];
  return dy;
}
