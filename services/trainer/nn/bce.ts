/** Numerically stable logistic function. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Loss value and logit gradient of a batch. */
export interface LossResult {
  readonly loss: number;
  readonly grad: Float32Array;
}

/**
 * Binary cross-entropy on logits: Σ_r scale · (softplus(z_r) − y_r z_r), computed in the
 * stable form max(z,0) − y z + log(1 + e^−|z|); the gradient is scale · (σ(z) − y).
 */
export function bceWithLogits(z: Float32Array, y: Float32Array, scale: number): LossResult {
  const grad = new Float32Array(z.length);
  let loss = 0;
  for (let r = 0; r < z.length; r++) {
    const v = z[r];
    loss += Math.max(v, 0) - y[r] * v + Math.log1p(Math.exp(-Math.abs(v)));
    grad[r] = (sigmoid(v) - y[r]) * scale;
  }
  return { loss: loss * scale, grad };
}
