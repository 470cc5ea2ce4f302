/** Central-difference step: large enough for float32 round-off, small against curvature. */
const DEFAULT_STEP = 1e-2;

/**
 * Compares an analytic gradient with central differences of `lossOf` over the entries
 * of `values`; returns the worst relative error |num − ana| / max(1e-2, |num| + |ana|).
 * Used by the gradient-check specs of every layer and of the whole model.
 */
export function maxGradientError(
  values: Float32Array,
  analytic: Float32Array,
  lossOf: () => number,
  step = DEFAULT_STEP,
): number {
  let worst = 0;
  for (let i = 0; i < values.length; i++) {
    const saved = values[i];
    values[i] = saved + step;
    const up = lossOf();
    values[i] = saved - step;
    const down = lossOf();
    values[i] = saved;
    const numeric = (up - down) / (2 * step);
    const err = Math.abs(numeric - analytic[i]) / Math.max(1e-2, Math.abs(numeric) + Math.abs(analytic[i]));
    if (err > worst) worst = err;
  }
  return worst;
}
