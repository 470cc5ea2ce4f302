import type { LossResult } from './bce.js';
import { eluForward as jsEluForward } from './elu.js';
import type { KernelSet, KernelsName } from './kernel-set.js';
import { matmulAcc as jsMatmulAcc, matmulTransAAcc as jsMatmulTransAAcc, matmulTransBAcc as jsMatmulTransBAcc } from './matmul.js';
import { correctSampledLogits as jsCorrectSampledLogits, softmaxCrossEntropy as jsSoftmaxCrossEntropy } from './softmax-cross-entropy.js';
import { wasmMatmulKernels } from './wasm-gemm.js';
import { wasmArena, wasmSimdAvailable } from './wasm-module.js';
import { wasmSoftmaxKernels } from './wasm-softmax.js';

let jsWorkspace = new Float32Array(0);

/** The JavaScript kernels: the reference the WebAssembly ones are checked against. */
export const JS_KERNELS: KernelSet = {
  name: 'js',
  matmulAcc: jsMatmulAcc,
  matmulTransBAcc: jsMatmulTransBAcc,
  matmulTransAAcc: jsMatmulTransAAcc,
  softmaxCrossEntropy: jsSoftmaxCrossEntropy,
  correctSampledLogits: jsCorrectSampledLogits,
  eluForward: jsEluForward,
  workspace(floats) {
    if (jsWorkspace.length < floats) jsWorkspace = new Float32Array(floats);
    const out = jsWorkspace.subarray(0, floats);
    out.fill(0);
    return out;
  },
};

/** DLRS_TRAINER_KERNELS: 'wasm' or 'js'; unset means wasm where the engine has WebAssembly SIMD. */
function configuredKernels(): KernelsName {
  const raw = process.env.DLRS_TRAINER_KERNELS;
  if (raw === undefined || raw === '') return wasmSimdAvailable() ? 'wasm' : 'js';
  if (raw !== 'wasm' && raw !== 'js') throw new Error(`DLRS_TRAINER_KERNELS=${JSON.stringify(raw)}: expected 'wasm' or 'js'`);
  if (raw === 'wasm' && !wasmSimdAvailable()) throw new Error("DLRS_TRAINER_KERNELS='wasm': this engine has no WebAssembly SIMD");
  return raw;
}

const WASM_KERNELS: KernelSet | null = wasmSimdAvailable() ? { name: 'wasm', ...(await wasmMatmulKernels()), ...(await wasmSoftmaxKernels()), workspace: (floats) => wasmArena().workspace(floats) } : null;
let active: KernelSet = configuredKernels() === 'wasm' && WASM_KERNELS !== null ? WASM_KERNELS : JS_KERNELS;

/** The kernels in use (for the training log line). */
export function activeKernels(): KernelsName {
  return active.name;
}

/** Switches this thread's kernels (the parity spec and the benchmark's before/after). */
export function useKernels(name: KernelsName): void {
  active = kernelsNamed(name);
}

/** The kernel set by name, for side-by-side measurement. */
export function kernelsNamed(name: KernelsName): KernelSet {
  if (name === 'js') return JS_KERNELS;
  if (WASM_KERNELS === null) throw new Error("kernels 'wasm': this engine has no WebAssembly SIMD");
  return WASM_KERNELS;
}

/** C[m,n] += A[m,k] · B[k,n] on the active kernels. */
export function matmulAcc(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number): void {
  active.matmulAcc(a, b, c, m, k, n);
}

/** C[m,n] += A[m,k] · B[n,k]ᵀ on the active kernels. */
export function matmulTransBAcc(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number): void {
  active.matmulTransBAcc(a, b, c, m, k, n);
}

/** C[k,n] += A[m,k]ᵀ · G[m,n] on the active kernels. */
export function matmulTransAAcc(a: Float32Array, g: Float32Array, c: Float32Array, m: number, k: number, n: number): void {
  active.matmulTransAAcc(a, g, c, m, k, n);
}

/** Softmax cross-entropy (see softmax-cross-entropy.ts) on the active kernels. */
export function softmaxCrossEntropy(logits: Float32Array, m: number, n: number, targets: Int32Array, scale: number, grad?: Float32Array): LossResult {
  return active.softmaxCrossEntropy(logits, m, n, targets, scale, grad);
}

/** The sampled softmax's log-Q correction and accidental-hit mask (see softmax-cross-entropy.ts) on the active kernels. */
export function correctSampledLogits(logits: Float32Array, m: number, n: number, candidateIds: Int32Array, logQ: Float32Array, targetIds: Int32Array, targetColumns: Int32Array): void {
  active.correctSampledLogits(logits, m, n, candidateIds, logQ, targetIds, targetColumns);
}

/** ELU in place (see elu.ts) on the active kernels. */
export function eluForward(x: Float32Array): Float32Array {
  return active.eluForward(x);
}

/** The active kernels' workspace (see KernelSet.workspace). */
export function workspace(floats: number): Float32Array {
  return active.workspace(floats);
}
