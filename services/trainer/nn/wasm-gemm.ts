import { GEMM_WAT } from './gemm-wat.js';
import type { MatmulKernels } from './kernel-set.js';
import { instantiateWat } from './wasm-module.js';

type GemmFn = (a: number, b: number, c: number, rows: number, inner: number, cols: number, aRow: number, aInner: number) => void;

/**
 * The GEMM kernels on WebAssembly SIMD. Operands are copied into the instance's memory per call
 * (O(m·k + k·n + m·n) against the O(m·k·n) product); A·Bᵀ transposes B on the way in so all three
 * products run the one column-vectorised kernel.
 */
export async function wasmMatmulKernels(): Promise<MatmulKernels> {
  const wasm = await instantiateWat('gemm.wat', GEMM_WAT);
  const gemm = wasm.exports.gemm as GemmFn;
  let heap = new Float32Array(0);

  /** Room for `floats` float32 values from offset 0, growing the memory when needed. */
  const reserve = (floats: number): Float32Array => {
    const buffer = wasm.reserve(floats * 4);
    if (heap.buffer !== buffer) heap = new Float32Array(buffer);
    return heap;
  };
  /** Runs the kernel with A at 0, B after it and C after B; `loadB` fills B. */
  const run = (a: Float32Array, aLen: number, bLen: number, c: Float32Array, cLen: number, loadB: (h: Float32Array, at: number) => void, dims: [number, number, number, number, number]): void => {
    const h = reserve(aLen + bLen + cLen);
    h.set(a.subarray(0, aLen), 0);
    loadB(h, aLen);
    const cAt = aLen + bLen;
    h.set(c.subarray(0, cLen), cAt);
    gemm(0, aLen * 4, cAt * 4, ...dims);
    c.set(h.subarray(cAt, cAt + cLen));
  };

  return {
    matmulAcc(a, b, c, m, k, n) {
      run(a, m * k, k * n, c, m * n, (h, at) => h.set(b.subarray(0, k * n), at), [m, k, n, k * 4, 4]);
    },
    matmulTransBAcc(a, b, c, m, k, n) {
      const transpose = (h: Float32Array, at: number): void => {
        for (let j = 0; j < n; j++) for (let p = 0, src = j * k; p < k; p++) h[at + p * n + j] = b[src + p];
      };
      run(a, m * k, k * n, c, m * n, transpose, [m, k, n, k * 4, 4]);
    },
    matmulTransAAcc(a, g, c, m, k, n) {
      run(a, m * k, m * n, c, k * n, (h, at) => h.set(g.subarray(0, m * n), at), [k, m, n, 4, k * 4]);
    },
  };
}
