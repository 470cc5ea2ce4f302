import type { Param } from './param.js';

/** out[r] = T[ids[r]] for a table T[rows, width]. */
export function embeddingForward(table: Param, ids: Int32Array): Float32Array {
  const width = table.spec.cols;
  const out = new Float32Array(ids.length * width);
  const t = table.value;
  for (let r = 0; r < ids.length; r++) {
    const o = ids[r] * width;
    const d = r * width;
    for (let c = 0; c < width; c++) out[d + c] = t[o + c];
  }
  return out;
}

/** Scatters dy rows into the table gradient and marks the rows touched. */
export function embeddingBackward(table: Param, ids: Int32Array, dy: Float32Array): void {
  const width = table.spec.cols;
  const g = table.grad;
  const touched = table.touched;
  for (let r = 0; r < ids.length; r++) {
    const id = ids[r];
    const o = id * width;
    const d = r * width;
    for (let c = 0; c < width; c++) g[o + c] += dy[d + c];
    if (touched !== null) touched[id] = 1;
  }
}

/** out[r] = Σ_n w[r,n] · T[ids[r,n]] over a bag of length `bag`; zero weights are skipped. */
export function embeddingBagForward(table: Param, ids: Int32Array, weights: Float32Array, bag: number): Float32Array {
  const width = table.spec.cols;
  const rows = ids.length / bag;
  const out = new Float32Array(rows * width);
  const t = table.value;
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    for (let n = 0; n < bag; n++) {
      const wt = weights[r * bag + n];
      if (wt === 0) continue;
      const s = ids[r * bag + n] * width;
      for (let c = 0; c < width; c++) out[o + c] += wt * t[s + c];
    }
  }
  return out;
}

/** Backward of the weighted bag: T[id] += w · dy[r] for every non-zero bag entry. */
export function embeddingBagBackward(table: Param, ids: Int32Array, weights: Float32Array, bag: number, dy: Float32Array): void {
  const width = table.spec.cols;
  const rows = ids.length / bag;
  const g = table.grad;
  const touched = table.touched;
  for (let r = 0; r < rows; r++) {
    const d = r * width;
    for (let n = 0; n < bag; n++) {
      const wt = weights[r * bag + n];
      if (wt === 0) continue;
      const id = ids[r * bag + n];
      const s = id * width;
      for (let c = 0; c < width; c++) g[s + c] += wt * dy[d + c];
      if (touched !== null) touched[id] = 1;
    }
  }
}
