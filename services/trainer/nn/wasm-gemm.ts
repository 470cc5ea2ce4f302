import wabt from 'wabt';
import { GEMM_WAT } from './gemm-wat.js';
import type { MatmulKernels } from './matmul-kernel-set.js';

// The lib settings carry no WebAssembly typings (they come with the DOM lib): the few calls used here.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  instantiate(bytes: Uint8Array): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

type GemmFn = (a: number, b: number, c: number, rows: number, inner: number, cols: number, aRow: number, aInner: number) => void;

/** Whether this engine validates a module using 128-bit SIMD (Node 16.4+ does by default). */
export function wasmSimdAvailable(): boolean {
  // (module (func (result v128) v128.const i32x4 0 0 0 0))
  const probe = new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
  ]);
  return wasmApi.validate(probe);
}

/**
 * The GEMM kernels on WebAssembly SIMD. Operands are copied into the instance's memory per call
 * (O(m·k + k·n + m·n) against the O(m·k·n) product); A·Bᵀ transposes B on the way in so all three
 * products run the one column-vectorised kernel.
 */
export async function wasmMatmulKernels(): Promise<MatmulKernels> {
  const tools = await wabt();
  const parsed = tools.parseWat('gemm.wat', GEMM_WAT, { simd: true });
  const binary = parsed.toBinary({}).buffer;
  parsed.destroy();
  const { instance } = await wasmApi.instantiate(binary);
  const memory = instance.exports.memory as WasmMemory;
  const gemm = instance.exports.gemm as GemmFn;
  let heap = new Float32Array(memory.buffer);

  /** Room for `floats` float32 values from offset 0, growing the memory when needed. */
  const reserve = (floats: number): Float32Array => {
    const bytes = floats * 4;
    if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
    if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer);
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
    name: 'wasm',
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
