import assert from 'node:assert/strict';
import { activeKernels, allocateBuffers, bindParams, freshKernelMemory, kernelsNamed, LayoutBuilder, residentFloats, useKernels } from '../nn/index.js';
import type { KernelsName, Param, ParamBuffers, ParamLayout } from '../nn/index.js';
import { wasmArena } from '../nn/wasm-module.js';
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

describe('WebAssembly SIMD ELU on a step’s arrays', () => {
  it('give the JavaScript kernels’ bits forward and backward, in place in the step frame and copied elsewhere', () => {
    const js = kernelsNamed('js');
    const wasm = kernelsNamed('wasm');
    // Random signs, values near 0 and -1, and a length of whole vectors and one of a remainder.
    for (const length of [64, 67]) {
      const x = Float32Array.from({ length }, (_, i) => Math.sin(i * 12.9898) * (i % 7 === 0 ? 1e-30 : 3));
      const dy = Float32Array.from({ length }, (_, i) => Math.cos(i * 4.1));
      const y = js.eluForward(x.slice());
      const dx = js.eluBackward(y, dy.slice());
      const arena = wasmArena();
      arena.openFrame();
      try {
        const [xIn, dyIn] = [wasm.stepArray(length), wasm.stepArray(length)];
        xIn.set(x);
        dyIn.set(dy);
        assert.equal(wasm.eluForward(xIn), xIn, 'in place');
        assert.deepEqual(xIn, y);
        assert.deepEqual(wasm.eluBackward(xIn, dyIn), dx);
        assert.ok(arena.addressOf(dyIn) >= 0);
      } finally {
        arena.closeFrame();
      }
      assert.deepEqual(wasm.eluBackward(y, dy.slice()), dx, 'outside the kernel memory');
    }
  });
});

describe('WebAssembly SIMD kernels on resident parameters', () => {
  // A dense parameter of odd size and a table of odd width: whole vectors, pairs and a last float.
  const setup = (): { params: Map<string, Param>; buffers: ParamBuffers; layout: ParamLayout } => {
    const b = new LayoutBuilder();
    b.add('dense', 1, 37);
    b.add('table', 11, 7, true);
    const layout = b.layout();
    const buffers = allocateBuffers(layout, false);
    for (let i = 0; i < layout.totalSize; i++) {
      buffers.values[i] = Math.sin(i * 0.7);
      buffers.grads[i] = Math.cos(i * 1.3) * 0.1;
    }
    return { params: bindParams(layout, buffers), buffers, layout };
  };

  it('lie in the kernel memory, so the WebAssembly kernels use them in place', () => {
    const { buffers } = setup();
    const arena = wasmArena();
    for (const x of [buffers.values, buffers.grads, buffers.touched]) assert.ok(arena.addressOf(x) >= 0);
    // As a worker receives them: a clone sharing the memory, which adopt maps back into it.
    const posted = structuredClone(buffers.values);
    assert.equal(arena.addressOf(posted), -1);
    const adopted = arena.adopt(posted);
    assert.equal(arena.addressOf(adopted), buffers.values.byteOffset);
    adopted[3] = 42;
    assert.equal(buffers.values[3], 42);
    assert.equal(arena.adopt(new Float32Array(4)).length, 4, 'other arrays pass through');
  });

  it('move to a memory of their own per model; the last memory’s arrays are then copied, with the same bits', () => {
    const first = setup();
    freshKernelMemory();
    const arena = wasmArena();
    assert.equal(arena.addressOf(first.buffers.values), -1);
    const second = setup();
    assert.ok(arena.addressOf(second.buffers.values) >= 0);
    const wasm = kernelsNamed('wasm');
    const ids = Int32Array.from([1, 5, 9, 9]);
    const weights = Float32Array.from([0.5, 0.5, 0.25, 0.75]);
    assert.deepEqual(wasm.embeddingBagForward(first.params.get('table')!, ids, weights, 2), kernelsNamed('js').embeddingBagForward(first.params.get('table')!, ids, weights, 2));
  });

  it('give the JavaScript kernels’ bits for the embedding bag forward and backward', () => {
    const js = kernelsNamed('js');
    const wasm = kernelsNamed('wasm');
    const bag = 3;
    const ids = Int32Array.from([0, 4, 4, 10, 2, 0, 7, 7, 7]);
    const weights = Float32Array.from([0.5, 0.25, 0.25, 1 / 3, 0, 2 / 3, 0.1, 0.2, 0.7]);
    const dy = Float32Array.from({ length: 3 * 7 }, (_, i) => Math.sin(i * 2.1));
    const a = setup();
    const b = setup();
    assert.deepEqual(wasm.embeddingBagForward(b.params.get('table')!, ids, weights, bag), js.embeddingBagForward(a.params.get('table')!, ids, weights, bag));
    js.embeddingBagBackward(a.params.get('table')!, ids, weights, bag, dy);
    wasm.embeddingBagBackward(b.params.get('table')!, ids, weights, bag, dy);
    assert.deepEqual(b.buffers.grads, a.buffers.grads);
    assert.deepEqual(b.buffers.touched, a.buffers.touched);
    assert.equal(b.buffers.touched[2], 0, 'a zero weight touches nothing');
  });

  it('give the JavaScript kernels’ bits for the gradient merge and Adam over spans', () => {
    const js = kernelsNamed('js');
    const wasm = kernelsNamed('wasm');
    const a = setup();
    const b = setup();
    const sa = setup();
    const sb = setup();
    const moments = (): Float32Array[] => [residentFloats(a.layout.totalSize), residentFloats(a.layout.totalSize)];
    const [ma, va] = moments();
    const [mb, vb] = moments();
    const step = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 0.01 };
    // The dense prefix as one span, then three table rows of 7.
    const spans: [Int32Array, number][] = [[Int32Array.of(0), 37], [Int32Array.of(37, 37 + 3 * 7, 37 + 10 * 7), 7]];
    for (let repeat = 0; repeat < 3; repeat++) {
      for (const [starts, width] of spans) {
        js.mergeGrads(a.buffers.grads, sa.buffers.grads, starts, starts.length, width);
        wasm.mergeGrads(b.buffers.grads, sb.buffers.grads, starts, starts.length, width);
        js.adamUpdate(a.buffers.values, a.buffers.grads, ma, va, starts, starts.length, width, step);
        wasm.adamUpdate(b.buffers.values, b.buffers.grads, mb, vb, starts, starts.length, width, step);
      }
      for (const x of [a, b, sa, sb]) x.buffers.grads.forEach((_, i, g) => (g[i] = Math.cos(i * (repeat + 2)) * 0.1));
    }
    assert.deepEqual(b.buffers.values, a.buffers.values);
    assert.deepEqual([mb, vb], [ma, va]);
    assert.ok(a.buffers.values.some((x, i) => x !== Math.fround(Math.sin(i * 0.7))), 'the updates changed the weights');
  });
});
