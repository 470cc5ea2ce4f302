import { expf } from './expf.js';
import type { LossResult } from './bce.js';

/**
 * Softmax cross-entropy over the rows of logits [m, n] with one target column per row:
 * Σ_r scale · (logsumexp(z_r) − z_r[t_r]); the gradient is scale · (softmax(z_r) − onehot).
 * −Infinity logits (masked candidates) get probability and gradient zero. `grad` may be
 * `logits` itself (the gradient then overwrites the logits, saving an m × n buffer).
 */
export function softmaxCrossEntropy(
  logits: Float32Array,
  m: number,
  n: number,
  targets: Int32Array,
  scale: number,
  grad: Float32Array = new Float32Array(m * n),
): LossResult {
  let loss = 0;
  for (let r = 0; r < m; r++) {
    const o = r * n;
    const t = targets[r];
    const target = logits[o + t];
    let max = -Infinity;
    for (let j = 0; j < n; j++) if (logits[o + j] > max) max = logits[o + j];
    // Float32 exps, summed in float64 per lane of four columns and then the leftover columns:
    // the order the four-lane WebAssembly kernel adds in.
    const n4 = n - (n % 4);
    const lanes = [0, 0, 0, 0];
    for (let j = 0; j < n4; j++) {
      const e = expf(Math.fround(logits[o + j] - max));
      grad[o + j] = e;
      lanes[j % 4] += e;
    }
    let sum = lanes[0] + lanes[1] + (lanes[2] + lanes[3]);
    for (let j = n4; j < n; j++) {
      const e = expf(Math.fround(logits[o + j] - max));
      grad[o + j] = e;
      sum += e;
    }
    const inv = scale / sum;
    for (let j = 0; j < n; j++) grad[o + j] *= inv;
    grad[o + t] -= scale;
    loss += Math.log(sum) + max - target;
  }
  return { loss: loss * scale, grad };
}

/**
 * Turns raw scores e_u·e_c of sampled candidates into corrected logits for a sampled
 * softmax, in place: subtracts log Q(c) (the candidate's sampling probability, so that
 * popular items drawn often as in-batch negatives are not over-penalised) and masks
 * accidental hits — a candidate equal to the row's target but in another column.
 */
export function correctSampledLogits(
  logits: Float32Array,
  m: number,
  n: number,
  candidateIds: Int32Array,
  logQ: Float32Array,
  targetIds: Int32Array,
  targetColumns: Int32Array,
): void {
  for (let r = 0; r < m; r++) {
    const o = r * n;
    const t = targetIds[r];
    const tc = targetColumns[r];
    for (let j = 0; j < n; j++) {
      if (j !== tc && candidateIds[j] === t) logits[o + j] = -Infinity;
      else logits[o + j] -= logQ[j];
    }
  }
}
