import { denseBackward, denseForward } from '../nn/index.js';
import type { Param } from '../nn/index.js';

/** A tower's parameters by name, e.g. `user.proj.w`. */
type ParamOf = (name: string) => Param;

/**
 * The two linear heads both towers put on their concatenation h [m, width]: the projection
 * to the embedding (`<tower>.proj`) and the wide part's bias (`<tower>.bias`).
 */
export function towerHeadsForward(h: Float32Array, m: number, p: ParamOf, tower: 'user' | 'item'): { e: Float32Array; b: Float32Array } {
  return {
    e: denseForward(h, m, p(`${tower}.proj.w`), p(`${tower}.proj.b`)),
    b: denseForward(h, m, p(`${tower}.bias.w`), p(`${tower}.bias.b`)),
  };
}

/** Accumulates both heads' parameter gradients from de [m, d] and db [m]; returns dL/dh. */
export function towerHeadsBackward(h: Float32Array, de: Float32Array, db: Float32Array, m: number, p: ParamOf, tower: 'user' | 'item'): Float32Array {
  const dh = denseBackward(h, de, m, p(`${tower}.proj.w`), p(`${tower}.proj.b`), true)!;
  const dhb = denseBackward(h, db, m, p(`${tower}.bias.w`), p(`${tower}.bias.b`), true)!;
  for (let i = 0; i < dh.length; i++) dh[i] += dhb[i];
  return dh;
}
