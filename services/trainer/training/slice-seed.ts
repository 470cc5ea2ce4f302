/**
 * The RNG seed of slice `slice` of step `step`: each slice of each batch draws from its own
 * stream, so results depend on the seed and the worker count but never on thread timing.
 */
export function sliceSeed(seed: number, step: number, slice: number): number {
  let h = Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) >>> 0;
  h = Math.imul(h ^ step, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ slice, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 15)) >>> 0;
}
