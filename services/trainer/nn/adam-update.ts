/** One Adam step's constants: the hyperparameters and the bias-corrected step size. */
export interface AdamStep {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly stepSize: number;
}

/**
 * g[i] += src[i], then src[i] = 0, over the spans [starts[s], starts[s] + width) for s < count:
 * another thread's gradients merged into these (the float32 store rounds each add as a serial
 * merge would).
 */
export function mergeGrads(g: Float32Array, src: Float32Array, starts: Int32Array, count: number, width: number): void {
  for (let s = 0; s < count; s++) {
    const end = starts[s] + width;
    for (let i = starts[s]; i < end; i++) {
      g[i] += src[i];
      src[i] = 0;
    }
  }
}

/**
 * Adam on the spans [starts[s], starts[s] + width) for s < count of the weights w with gradients
 * g (cleared) and moments m, v; in float64, rounded on store.
 */
export function adamUpdate(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, starts: Int32Array, count: number, width: number, step: AdamStep): void {
  const { beta1, beta2, eps, stepSize } = step;
  for (let s = 0; s < count; s++) {
    const end = starts[s] + width;
    for (let i = starts[s]; i < end; i++) {
      const gi = g[i];
      g[i] = 0;
      const mi = beta1 * m[i] + (1 - beta1) * gi;
      const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      w[i] -= (stepSize * mi) / (Math.sqrt(vi) + eps);
    }
  }
}
