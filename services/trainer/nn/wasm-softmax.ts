import type { SoftmaxKernels } from './kernel-set.js';
import { SOFTMAX_WAT } from './softmax-wat.js';
import { instantiateWat } from './wasm-module.js';

type SoftmaxRowsFn = (z: number, rows: number, cols: number, targets: number, scale: number, sums: number, maxes: number) => void;

/** The softmax kernels on WebAssembly SIMD, plus `exp` (Math.exp's bits) for the spec. */
export interface WasmSoftmaxKernels extends SoftmaxKernels {
  exp(x: number): number;
}

/**
 * Softmax cross-entropy on WebAssembly SIMD: the logits are copied into the instance's memory
 * (O(m·n) against the O(m·n) exps, which cost far more), the kernel leaves the gradient there
 * with each row's max and sum, and the loss is added up here in row order as the reference does.
 * The log-Q correction needs no SIMD: the reference's cost is its per-element accidental-hit
 * test, so hits come from a map of candidate ids instead (the same logits result).
 */
export async function wasmSoftmaxKernels(): Promise<WasmSoftmaxKernels> {
  const wasm = await instantiateWat('softmax.wat', SOFTMAX_WAT);
  const softmaxRows = wasm.exports.softmaxRows as SoftmaxRowsFn;
  const exp = wasm.exports.exp as (x: number) => number;
  return {
    exp,
    softmaxCrossEntropy(logits, m, n, targets, scale, grad = new Float32Array(m * n)) {
      const size = m * n;
      // Z, targets, then the sums 8-byte aligned, then the maxes.
      const targetsAt = size * 4;
      const sumsAt = Math.ceil((targetsAt + m * 4) / 8) * 8;
      const maxesAt = sumsAt + m * 8;
      const buffer = wasm.reserve(maxesAt + m * 4);
      const z = new Float32Array(buffer, 0, size);
      z.set(logits.subarray(0, size));
      new Int32Array(buffer, targetsAt, m).set(targets.subarray(0, m));
      // The target logits before the gradient may overwrite them (grad can be logits).
      const targetLogits = new Float64Array(m);
      for (let r = 0; r < m; r++) targetLogits[r] = logits[r * n + targets[r]];
      softmaxRows(0, m, n, targetsAt, scale, sumsAt, maxesAt);
      grad.set(z);
      const sums = new Float64Array(buffer, sumsAt, m);
      const maxes = new Float32Array(buffer, maxesAt, m);
      let loss = 0;
      for (let r = 0; r < m; r++) loss += Math.log(sums[r]) + maxes[r] - targetLogits[r];
      return { loss: loss * scale, grad };
    },
    correctSampledLogits(logits, m, n, candidateIds, logQ, targetIds, targetColumns) {
      const columns = new Map<number, number[]>();
      for (let j = 0; j < n; j++) {
        const list = columns.get(candidateIds[j]);
        if (list === undefined) columns.set(candidateIds[j], [j]);
        else list.push(j);
      }
      for (let r = 0; r < m; r++) {
        const o = r * n;
        for (let j = 0; j < n; j++) logits[o + j] -= logQ[j];
        for (const j of columns.get(targetIds[r]) ?? []) if (j !== targetColumns[r]) logits[o + j] = -Infinity;
      }
    },
  };
}
