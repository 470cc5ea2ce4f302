import { gemmWat } from './gemm-wat.js';
import type { MatmulKernels } from './kernel-set.js';
import { instantiateWat, wasmArena } from './wasm-module.js';

type TransposeFn = (src: number, dst: number, rows: number, cols: number) => void;
type GemmFn = (a: number, b: number, c: number, rows: number, inner: number, cols: number, aRow: number, aInner: number) => void;

/**
 * The GEMM kernels on WebAssembly SIMD. Operands in the kernel memory's workspace are used in
 * place; the others are copied in per call (O(m·k + k·n + m·n) against the O(m·k·n) product).
 * A·Bᵀ transposes B in that memory so all three products run the one column-vectorised kernel.
 */
export async function wasmMatmulKernels(): Promise<MatmulKernels> {
  const exports = await instantiateWat('gemm.wat', gemmWat());
  const gemm = exports.gemm as GemmFn;
  const transpose = exports.transpose as TransposeFn;
  const arena = wasmArena();

  /**
   * Runs the kernel on A, B and C, each used in place when resident, else copied above the
   * workspace; with `transposeB` B is copied and transposed there. C is copied back when it was
   * copied in.
   */
  const run = (a: Float32Array, aLen: number, b: Float32Array, bLen: number, c: Float32Array, cLen: number, transposeB: boolean, dims: [number, number, number, number, number]): void => {
    let aAt = arena.addressOf(a);
    let bAt = transposeB ? -1 : arena.addressOf(b);
    const cAt = arena.addressOf(c);
    const copies = (aAt < 0 ? aLen : 0) + (bAt < 0 ? bLen : 0) + (transposeB ? bLen : 0) + (cAt < 0 ? cLen : 0);
    if (copies > 0) {
      const { at, buffer } = arena.scratch(copies * 4);
      const h = new Float32Array(buffer);
      let next = at / 4;
      if (aAt < 0) {
        h.set(a.subarray(0, aLen), next);
        aAt = next * 4;
        next += aLen;
      }
      if (bAt < 0) {
        h.set(b.subarray(0, bLen), next);
        bAt = next * 4;
        next += bLen;
      }
      if (transposeB) {
        // B[n,k] (k = dims' inner) into Bᵀ[k,n].
        transpose(bAt, next * 4, dims[2], dims[1]);
        bAt = next * 4;
        next += bLen;
      }
      if (cAt < 0) {
        h.set(c.subarray(0, cLen), next);
        gemm(aAt, bAt, next * 4, ...dims);
        c.set(h.subarray(next, next + cLen));
        return;
      }
    }
    gemm(aAt, bAt, cAt, ...dims);
  };

  return {
    matmulAcc(a, b, c, m, k, n) {
      run(a, m * k, b, k * n, c, m * n, false, [m, k, n, k * 4, 4]);
    },
    matmulTransBAcc(a, b, c, m, k, n) {
      run(a, m * k, b, k * n, c, m * n, true, [m, k, n, k * 4, 4]);
    },
    matmulTransAAcc(a, g, c, m, k, n) {
      run(a, m * k, g, m * n, c, k * n, false, [k, m, n, 4, k * 4]);
    },
  };
}
