import { adamUpdate as jsAdamUpdate, mergeGrads as jsMergeGrads } from './adam-update.js';
import type { AdamStep } from './adam-update.js';
import type { LossResult } from './bce.js';
import { eluBackward as jsEluBackward, eluForward as jsEluForward } from './elu.js';
import { embeddingBagBackward as jsEmbeddingBagBackward, embeddingBagForward as jsEmbeddingBagForward } from './embedding.js';
import type { KernelSet, KernelsName } from './kernel-set.js';
import type { Param } from './param.js';
import { matmulAcc as jsMatmulAcc, matmulTransAAcc as jsMatmulTransAAcc, matmulTransBAcc as jsMatmulTransBAcc } from './matmul.js';
import { correctSampledLogits as jsCorrectSampledLogits, softmaxCrossEntropy as jsSoftmaxCrossEntropy } from './softmax-cross-entropy.js';
import { wasmMatmulKernels } from './wasm-gemm.js';
import { onKernelMemory, wasmArena, wasmSimdAvailable } from './wasm-module.js';
import { wasmParamKernels } from './wasm-param.js';
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
  eluBackward: jsEluBackward,
  mergeGrads: jsMergeGrads,
  adamUpdate: jsAdamUpdate,
  embeddingBagForward: jsEmbeddingBagForward,
  embeddingBagBackward: jsEmbeddingBagBackward,
  workspace(floats) {
    if (jsWorkspace.length < floats) jsWorkspace = new Float32Array(floats);
    const out = jsWorkspace.subarray(0, floats);
    out.fill(0);
    return out;
  },
  stepArray: (floats) => new Float32Array(floats),
};

/** DLRS_TRAINER_KERNELS: 'wasm' or 'js'; unset means wasm where the engine has WebAssembly SIMD. */
function configuredKernels(): KernelsName {
  const raw = process.env.DLRS_TRAINER_KERNELS;
  if (raw === undefined || raw === '') return wasmSimdAvailable() ? 'wasm' : 'js';
  if (raw !== 'wasm' && raw !== 'js') throw new Error(`DLRS_TRAINER_KERNELS=${JSON.stringify(raw)}: expected 'wasm' or 'js'`);
  if (raw === 'wasm' && !wasmSimdAvailable()) throw new Error("DLRS_TRAINER_KERNELS='wasm': this engine has no WebAssembly SIMD");
  return raw;
}

// Compiled once per thread; instantiated again on each new kernel memory (freshKernelMemory).
const wasmFactories = wasmSimdAvailable() ? { gemm: await wasmMatmulKernels(), softmax: await wasmSoftmaxKernels(), param: await wasmParamKernels() } : null;

/** The WebAssembly kernels on this thread's current kernel memory. */
function buildWasmKernels(): KernelSet | null {
  if (wasmFactories === null) return null;
  return {
    name: 'wasm',
    ...wasmFactories.gemm(),
    ...wasmFactories.softmax(),
    ...wasmFactories.param(),
    workspace: (floats) => wasmArena().workspace(floats),
    stepArray: (floats) => wasmArena().frame(floats) ?? new Float32Array(floats),
  };
}

let WASM_KERNELS = buildWasmKernels();
let active: KernelSet = configuredKernels() === 'wasm' && WASM_KERNELS !== null ? WASM_KERNELS : JS_KERNELS;
onKernelMemory(() => {
  const wasActive = active === WASM_KERNELS;
  WASM_KERNELS = buildWasmKernels();
  if (wasActive && WASM_KERNELS !== null) active = WASM_KERNELS;
});

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

/** Merges another thread's gradients over spans (see adam-update.ts) on the active kernels. */
export function mergeGrads(g: Float32Array, src: Float32Array, starts: Int32Array, count: number, width: number): void {
  active.mergeGrads(g, src, starts, count, width);
}

/** Adam on spans of parameters (see adam-update.ts) on the active kernels. */
export function adamUpdate(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, starts: Int32Array, count: number, width: number, step: AdamStep): void {
  active.adamUpdate(w, g, m, v, starts, count, width, step);
}

/** The weighted embedding bag (see embedding.ts) on the active kernels. */
export function embeddingBagForward(table: Param, ids: Int32Array, weights: Float32Array, bag: number): Float32Array {
  return active.embeddingBagForward(table, ids, weights, bag);
}

/** The weighted embedding bag's backward (see embedding.ts) on the active kernels. */
export function embeddingBagBackward(table: Param, ids: Int32Array, weights: Float32Array, bag: number, dy: Float32Array): void {
  active.embeddingBagBackward(table, ids, weights, bag, dy);
}

/** ELU's backward in place on dy (see elu.ts) on the active kernels. */
export function eluBackward(y: Float32Array, dy: Float32Array): Float32Array {
  return active.eluBackward(y, dy);
}

/** The active kernels' workspace (see KernelSet.workspace). */
export function workspace(floats: number): Float32Array {
  return active.workspace(floats);
}

/**
 * A zeroed [floats] array for an activation or gradient of the current step: inside runStep, on
 * the WebAssembly kernels, in the thread's step frame, where the kernels use it without copies;
 * else a new array. Arrays from the frame are valid until the next step starts.
 */
export function stepArray(floats: number): Float32Array {
  return active.stepArray(floats);
}

/** Runs one training step's forward and backward, with stepArray handing out the thread's step frame. */
export function runStep<T>(step: () => T): T {
  if (!wasmSimdAvailable()) return step();
  const arena = wasmArena();
  arena.openFrame();
  try {
    return step();
  } finally {
    arena.closeFrame();
  }
}
