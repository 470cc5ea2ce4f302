import type { AdamStep } from './adam-update.js';
import type { LossResult } from './bce.js';
import type { Param } from './param.js';

/** One implementation of the three GEMM products (shapes as in matmul.ts). */
export interface MatmulKernels {
  matmulAcc(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number): void;
  matmulTransBAcc(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number): void;
  matmulTransAAcc(a: Float32Array, g: Float32Array, c: Float32Array, m: number, k: number, n: number): void;
}

/** One implementation of the softmax cross-entropy (contract as in softmax-cross-entropy.ts). */
export interface SoftmaxKernels {
  softmaxCrossEntropy(logits: Float32Array, m: number, n: number, targets: Int32Array, scale: number, grad?: Float32Array): LossResult;
  correctSampledLogits(logits: Float32Array, m: number, n: number, candidateIds: Int32Array, logQ: Float32Array, targetIds: Int32Array, targetColumns: Int32Array): void;
}

/** One implementation of the activations (contract as in elu.ts). */
export interface ActivationKernels {
  eluForward(x: Float32Array): Float32Array;
  eluBackward(y: Float32Array, dy: Float32Array): Float32Array;
}

/** One implementation of the kernels over parameter buffers (contracts as in adam-update.ts and embedding.ts). */
export interface ParamKernels {
  mergeGrads(g: Float32Array, src: Float32Array, starts: Int32Array, count: number, width: number): void;
  adamUpdate(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, starts: Int32Array, count: number, width: number, step: AdamStep): void;
  embeddingBagForward(table: Param, ids: Int32Array, weights: Float32Array, bag: number): Float32Array;
  embeddingBagBackward(table: Param, ids: Int32Array, weights: Float32Array, bag: number, dy: Float32Array): void;
}

/** A named set of the trainer's hot kernels. */
export interface KernelSet extends MatmulKernels, SoftmaxKernels, ActivationKernels, ParamKernels {
  readonly name: KernelsName;
  /**
   * A zeroed [floats] array for a step's largest operand, where these kernels use it without
   * copying (the WebAssembly memory); each call reuses the same storage, ending the last view's use.
   */
  workspace(floats: number): Float32Array;
  /** A zeroed [floats] array for a value of the current step (see stepArray in kernels.ts). */
  stepArray(floats: number): Float32Array;
}

/** The kernel sets: WebAssembly SIMD, or the JavaScript reference. */
export type KernelsName = 'wasm' | 'js';
