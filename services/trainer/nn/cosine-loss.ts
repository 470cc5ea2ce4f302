/** Loss and gradients of the two embedding blocks. */
export interface PairLossResult {
  readonly loss: number;
  readonly gradA: Float32Array;
  readonly gradB: Float32Array;
}

/** Guards the division for all-zero embeddings. */
const NORM_EPS = 1e-8;

/**
 * The similarity term of thesis eq. 4.10: pulls cos(a_r, b_r) towards the label y_r
 * (1 for an interacted item, 0 for a sampled negative) by a squared error,
 * Σ_r scale · (cos_r − y_r)².
 */
export function cosineLoss(a: Float32Array, b: Float32Array, m: number, d: number, y: Float32Array, scale: number): PairLossResult {
  const gradA = new Float32Array(m * d);
  const gradB = new Float32Array(m * d);
  let loss = 0;
  for (let r = 0; r < m; r++) {
    const o = r * d;
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let c = 0; c < d; c++) {
      ab += a[o + c] * b[o + c];
      aa += a[o + c] * a[o + c];
      bb += b[o + c] * b[o + c];
    }
    const na = Math.sqrt(aa) + NORM_EPS;
    const nb = Math.sqrt(bb) + NORM_EPS;
    const cos = ab / (na * nb);
    const diff = cos - y[r];
    loss += diff * diff;
    // d cos / d a = b / (|a||b|) − cos · a / |a|², symmetric for b.
    const g = 2 * diff * scale;
    for (let c = 0; c < d; c++) {
      gradA[o + c] = g * (b[o + c] / (na * nb) - (cos * a[o + c]) / (na * na));
      gradB[o + c] = g * (a[o + c] / (na * nb) - (cos * b[o + c]) / (nb * nb));
    }
  }
  return { loss: loss * scale, gradA, gradB };
}
