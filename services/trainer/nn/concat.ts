import { stepArray } from './kernels.js';

/** Concatenates row blocks [m, w_k] along columns into [m, Σ w_k]. */
export function concatForward(parts: readonly Float32Array[], widths: readonly number[], m: number): Float32Array {
  const total = widths.reduce((a, b) => a + b, 0);
  const out = stepArray(m * total);
  let col = 0;
  for (let k = 0; k < parts.length; k++) {
    const w = widths[k];
    const p = parts[k];
    // Element loops: a subarray view per row would allocate m objects per part.
    for (let r = 0; r < m; r++) {
      const src = r * w;
      const dst = r * total + col;
      for (let c = 0; c < w; c++) out[dst + c] = p[src + c];
    }
    col += w;
  }
  return out;
}

/** Splits the gradient of a concatenation back into its parts. */
export function concatBackward(dy: Float32Array, widths: readonly number[], m: number): Float32Array[] {
  const total = widths.reduce((a, b) => a + b, 0);
  const out: Float32Array[] = [];
  let col = 0;
  for (const w of widths) {
    const g = stepArray(m * w);
    for (let r = 0; r < m; r++) {
      const src = r * total + col;
      const dst = r * w;
      for (let c = 0; c < w; c++) g[dst + c] = dy[src + c];
    }
    out.push(g);
    col += w;
  }
  return out;
}
