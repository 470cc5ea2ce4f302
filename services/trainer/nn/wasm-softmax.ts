import type { ActivationKernels, SoftmaxKernels } from './kernel-set.js';
import { eluBackward as jsEluBackward } from './elu.js';
import { SOFTMAX_WAT } from './softmax-wat.js';
import { compileWat, instantiateOnArena, wasmArena } from './wasm-module.js';

type EluFn = (x: number, count: number) => void;
type EluBackwardFn = (y: number, dy: number, count: number) => void;
type SubtractRowsFn = (z: number, rows: number, cols: number, q: number) => void;
type SoftmaxRowsFn = (z: number, rows: number, cols: number, targets: number, scale: number, sums: number, maxes: number) => void;

/** The softmax and ELU kernels on WebAssembly SIMD, plus `exp` (Math.exp's bits) for the spec. */
export interface WasmSoftmaxKernels extends SoftmaxKernels, ActivationKernels {
  exp(x: number): number;
}

/**
 * Softmax cross-entropy and ELU on WebAssembly SIMD (both run Math.exp's algorithm): logits in the kernel memory's workspace whose
 * gradient replaces them are worked on in place, others are copied in (O(m·n) against the O(m·n)
 * exps, which cost far more). The kernel leaves the gradient with each row's max and sum, and the
 * loss is added up here in row order as the reference does. The log-Q correction subtracts in
 * SIMD; accidental hits come from a map of candidate ids instead of a test per logit (the same
 * logits result).
 */
export async function wasmSoftmaxKernels(): Promise<() => WasmSoftmaxKernels> {
  const module = await compileWat('softmax.wat', SOFTMAX_WAT);
  return () => {
    const exports = instantiateOnArena(module);
    const softmaxRows = exports.softmaxRows as SoftmaxRowsFn;
    const subtractRows = exports.subtractRows as SubtractRowsFn;
    const exp = exports.exp as (x: number) => number;
    const elu = exports.elu as EluFn;
    const eluBackward = exports.eluBackward as EluBackwardFn;
    const arena = wasmArena();
    return {
      exp,
      softmaxCrossEntropy(logits, m, n, targets, scale, grad = new Float32Array(m * n)) {
        const size = m * n;
        const resident = arena.addressOf(logits);
        const inPlace = resident >= 0 && grad === logits;
        // Z unless in place, targets, then the sums 8-byte aligned, then the maxes.
        const zBytes = inPlace ? 0 : size * 4;
        const sumsOffset = Math.ceil((zBytes + m * 4) / 8) * 8;
        const maxesOffset = sumsOffset + m * 8;
        const { at, buffer } = arena.scratch(maxesOffset + m * 4);
        const zAt = inPlace ? resident : at;
        const z = new Float32Array(buffer, zAt, size);
        if (!inPlace) z.set(logits.subarray(0, size));
        new Int32Array(buffer, at + zBytes, m).set(targets.subarray(0, m));
        // The target logits before the gradient may overwrite them (grad can be logits).
        const targetLogits = new Float64Array(m);
        for (let r = 0; r < m; r++) targetLogits[r] = logits[r * n + targets[r]];
        softmaxRows(zAt, m, n, at + zBytes, scale, at + sumsOffset, at + maxesOffset);
        if (!inPlace) grad.set(z);
        const sums = new Float64Array(buffer, at + sumsOffset, m);
        const maxes = new Float32Array(buffer, at + maxesOffset, m);
        let loss = 0;
        for (let r = 0; r < m; r++) loss += Math.log(sums[r]) + maxes[r] - targetLogits[r];
        return { loss: loss * scale, grad };
      },
      eluForward(x) {
        // In place when resident and whole vectors (a step's activations in the frame).
        const resident = arena.addressOf(x);
        if (resident >= 0 && x.length % 4 === 0) {
          elu(resident, x.length);
          return x;
        }
        // Else copied in, padded to whole vectors (ELU leaves the zero padding zero).
        const count = Math.ceil(x.length / 4) * 4;
        const { at, buffer } = arena.scratch(count * 4);
        const v = new Float32Array(buffer, at, count);
        v.set(x);
        v.fill(0, x.length);
        elu(at, count);
        x.set(v.subarray(0, x.length));
        return x;
      },
      eluBackward(y, dy) {
        // In place on a step's activations and gradients in the kernel memory; else the reference (copies would cost as much).
        const yAt = arena.addressOf(y);
        const dyAt = arena.addressOf(dy);
        if (yAt < 0 || dyAt < 0 || y.length % 4 !== 0) return jsEluBackward(y, dy);
        eluBackward(yAt, dyAt, y.length);
        return dy;
      },
      correctSampledLogits(logits, m, n, candidateIds, logQ, targetIds, targetColumns) {
        const resident = arena.addressOf(logits);
        const zBytes = resident >= 0 ? 0 : m * n * 4;
        const { at, buffer } = arena.scratch(zBytes + n * 4);
        const zAt = resident >= 0 ? resident : at;
        const z = new Float32Array(buffer, zAt, m * n);
        if (resident < 0) z.set(logits.subarray(0, m * n));
        new Float32Array(buffer, at + zBytes, n).set(logQ.subarray(0, n));
        subtractRows(zAt, m, n, at + zBytes);
        if (resident < 0) logits.set(z);
        const columns = new Map<number, number[]>();
        for (let j = 0; j < n; j++) {
          const list = columns.get(candidateIds[j]);
          if (list === undefined) columns.set(candidateIds[j], [j]);
          else list.push(j);
        }
        for (let r = 0; r < m; r++) {
          for (const j of columns.get(targetIds[r]) ?? []) if (j !== targetColumns[r]) logits[r * n + j] = -Infinity;
        }
      },
    };
  };
}
