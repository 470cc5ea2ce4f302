import { gemmWat } from './gemm-wat.js';
import type { MatmulKernels } from './kernel-set.js';
import { compileWat, instantiateOnArena, wasmArena } from './wasm-module.js';

type TransposeFn = (src: number, dst: number, rows: number, cols: number) => void;
type GemmFn = (a: number, b: number, c: number, rows: number, inner: number, cols: number, aRow: number, aInner: number, cRow: number) => void;

/**
 * Bytes of Bᵀ per band of A·Bᵀ: Bᵀ is transposed one band of columns at a time, which stays in
 * the core's cache while every row block of A passes over it; Bᵀ whole ([k, n], rows n·4 bytes
 * apart) did not. 32 KiB: 128 columns at k = 64, 256 at the default k = 32, the best of 64–256
 * columns measured at either (docs/experiments.md).
 */
const TRANSPOSED_BAND_BYTES = 32 * 1024;

/** Columns of C per band of A·Bᵀ at `inner`: whole register blocks of 8. */
function bandColumns(inner: number): number {
  return Math.max(8, Math.floor(TRANSPOSED_BAND_BYTES / 4 / inner / 8) * 8);
}

/**
 * The GEMM kernels on WebAssembly SIMD. Operands in the kernel memory's workspace are used in
 * place; the others are copied in per call (O(m·k + k·n + m·n) against the O(m·k·n) product).
 * A·Bᵀ transposes B band by band in that memory so all three products run the one
 * column-vectorised kernel.
 */
export async function wasmMatmulKernels(): Promise<() => MatmulKernels> {
  const module = await compileWat('gemm.wat', gemmWat());
  return () => {
    const exports = instantiateOnArena(module);
    const gemm = exports.gemm as GemmFn;
    const transpose = exports.transpose as TransposeFn;
    const arena = wasmArena();

    /**
     * C[rows, cols] += A · B (or A · Bᵀ with `transposeB`, B then [cols, inner]), each operand used
     * in place when resident, else copied above the workspace; C is copied back when it was
     * copied in.
     */
    const run = (a: Float32Array, aLen: number, b: Float32Array, bLen: number, c: Float32Array, cLen: number, transposeB: boolean, rows: number, inner: number, cols: number, aRow: number, aInner: number): void => {
      let aAt = arena.addressOf(a);
      let bAt = arena.addressOf(b);
      let cAt = arena.addressOf(c);
      const cCopied = cAt < 0;
      const bandWidth = bandColumns(inner);
      const band = transposeB ? inner * Math.min(cols, bandWidth) : 0;
      const copies = (aAt < 0 ? aLen : 0) + (bAt < 0 ? bLen : 0) + band + (cAt < 0 ? cLen : 0);
      let bandAt = -1;
      let h: Float32Array = new Float32Array(0);
      if (copies > 0) {
        const { at, buffer } = arena.scratch(copies * 4);
        h = new Float32Array(buffer);
        let next = at / 4;
        const place = (x: Float32Array, len: number): number => {
          h.set(x.subarray(0, len), next);
          next += len;
          return (next - len) * 4;
        };
        if (aAt < 0) aAt = place(a, aLen);
        if (bAt < 0) bAt = place(b, bLen);
        if (cAt < 0) cAt = place(c, cLen);
        bandAt = next * 4;
      }
      if (!transposeB) gemm(aAt, bAt, cAt, rows, inner, cols, aRow, aInner, cols * 4);
      else {
        for (let j = 0; j < cols; j += bandWidth) {
          const width = Math.min(bandWidth, cols - j);
          // B's rows [j, j + width) into Bᵀ [inner, width].
          transpose(bAt + j * inner * 4, bandAt, width, inner);
          gemm(aAt, bandAt, cAt + j * 4, rows, inner, width, aRow, aInner, cols * 4);
        }
      }
      if (cCopied) c.set(h.subarray(cAt / 4, cAt / 4 + cLen));
    };

    return {
      matmulAcc(a, b, c, m, k, n) {
        run(a, m * k, b, k * n, c, m * n, false, m, k, n, k * 4, 4);
      },
      matmulTransBAcc(a, b, c, m, k, n) {
        run(a, m * k, b, k * n, c, m * n, true, m, k, n, k * 4, 4);
      },
      matmulTransAAcc(a, g, c, m, k, n) {
        run(a, m * k, g, m * n, c, k * n, false, k, m, n, 4, k * 4);
      },
    };
  };
}
