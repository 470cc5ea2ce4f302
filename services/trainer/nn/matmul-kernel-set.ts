/** One implementation of the three GEMM products (shapes as in matmul.ts). */
export interface MatmulKernels {
  readonly name: KernelsName;
  matmulAcc(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number): void;
  matmulTransBAcc(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number): void;
  matmulTransAAcc(a: Float32Array, g: Float32Array, c: Float32Array, m: number, k: number, n: number): void;
}

export type KernelsName = 'wasm' | 'js';
