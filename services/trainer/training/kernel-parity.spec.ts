import assert from 'node:assert/strict';
import { activeKernels, kernelsNamed, useKernels } from '../nn/index.js';
import type { KernelsName } from '../nn/index.js';
import { resolveTrainConfig } from './train-config.js';
import { trainModel } from './train-model.js';
import { toyTrainingData } from './toy-training-data.js';

/** Every step's loss of a one-thread toy training (240 steps) on the named kernels. */
async function stepLosses(kernels: KernelsName): Promise<number[]> {
  const before = activeKernels();
  useKernels(kernels);
  const losses: number[] = [];
  try {
    await trainModel({
      data: toyTrainingData({ seed: 5, items: 90, clusters: 3, examples: 1536, dim: 16 }),
      config: resolveTrainConfig({ workers: 1, epochs: 20, batch: 128, sampledCandidates: 32 }),
      progress: (p) => losses.push(p.loss, p.auxLoss),
    });
  } finally {
    useKernels(before);
  }
  return losses;
}

describe('WebAssembly SIMD kernels against the JavaScript reference', () => {
  // Both do the same float32 and float64 operations in the same order, so the losses agree
  // exactly, well inside 1e-5.
  it('train to the same losses over 240 steps', async () => {
    const js = await stepLosses('js');
    const wasm = await stepLosses('wasm');
    assert.equal(wasm.length, js.length);
    assert.ok(js.length >= 2 * 240, `${js.length / 2} steps`);
    for (let i = 0; i < js.length; i++) assert.equal(wasm[i], js[i], `loss ${i}`);
  });
});

describe('WebAssembly SIMD GEMM kernels', () => {
  it('give the JavaScript kernels’ bits for every remainder of their 4×8 blocks and bands', () => {
    const js = kernelsNamed('js');
    const wasm = kernelsNamed('wasm');
    const fill = (len: number, seed: number): Float32Array => Float32Array.from({ length: len }, (_, i) => Math.sin(seed + i * 1.7) * 3);
    // 5×64×301: A·Bᵀ in three bands of 128 columns, the last 45 wide (8-, 4- and 1-column tiles).
    for (const [m, k, n] of [[1, 1, 1], [2, 3, 8], [3, 5, 9], [5, 7, 17], [4, 32, 23], [9, 16, 40], [5, 64, 301]]) {
      for (const f of ['matmulAcc', 'matmulTransBAcc', 'matmulTransAAcc'] as const) {
        const b = fill(f === 'matmulTransAAcc' ? m * n : k * n, 2);
        const c = fill(f === 'matmulTransAAcc' ? k * n : m * n, 3);
        const cWasm = c.slice();
        js[f](fill(m * k, 1), b, c, m, k, n);
        wasm[f](fill(m * k, 1), b, cWasm, m, k, n);
        assert.deepEqual(cWasm, c, `${f} ${m}×${k}×${n}`);
      }
    }
  });

  it('give the same bits on operands in the workspace, used in place', () => {
    const js = kernelsNamed('js');
    const wasm = kernelsNamed('wasm');
    const [m, k, n] = [9, 16, 40];
    const fill = (len: number, seed: number): Float32Array => Float32Array.from({ length: len }, (_, i) => Math.cos(seed + i * 0.3) * 2);
    const a = fill(m * k, 1);
    const g = fill(m * n, 2);
    const expected = new Float32Array(k * n);
    js.matmulTransAAcc(a, g, expected, m, k, n);
    // G and C resident, A copied in.
    const resident = wasm.workspace(m * n + k * n);
    const gIn = resident.subarray(0, m * n);
    const cIn = resident.subarray(m * n);
    gIn.set(g);
    wasm.matmulTransAAcc(a, gIn, cIn, m, k, n);
    assert.deepEqual(cIn, expected);
    assert.deepEqual(gIn, g, 'G unchanged');
  });
});
