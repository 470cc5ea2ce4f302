import { stepArray } from '../nn/index.js';

/** Copies rows `rows` of a [*, width] block. */
export function gatherRows(src: Float32Array, rows: ArrayLike<number>, width: number): Float32Array {
  const out = stepArray(rows.length * width);
  for (let q = 0; q < rows.length; q++) {
    const from = rows[q] * width;
    const to = q * width;
    for (let c = 0; c < width; c++) out[to + c] = src[from + c];
  }
  return out;
}
