import assert from 'node:assert/strict';
import { SeededRandom } from '../../../shared/random/index.js';
import { kernelsNamed } from './kernels.js';
import { wasmSimdAvailable } from './wasm-module.js';
import { wasmSoftmaxKernels } from './wasm-softmax.js';

describe('WebAssembly SIMD softmax kernels', function () {
  before(function () {
    if (!wasmSimdAvailable()) this.skip();
  });

  it('exp gives Math.exp’s bits across the ranges of its branches', async () => {
    const { exp } = (await wasmSoftmaxKernels())();
    const rng = new SeededRandom(7);
    const args = [0, -0, 1, -1, 2 ** -28, -(2 ** -28), 709.78, 710, -745.1, -746, -720, Infinity, -Infinity, NaN];
    // Around 0.5·ln2, 1.5·ln2, 2^-28 and the subnormal/overflow edges, where fdlibm branches.
    for (const edge of [0.5 * Math.LN2, 1.5 * Math.LN2, 2 ** -28, 707.7, 709.78, 745.13])
      for (let i = 0; i < 2000; i++) args.push(edge * (1 + (rng.next() - 0.5) * 1e-5) * (i % 2 === 0 ? 1 : -1));
    for (let i = 0; i < 50_000; i++) args.push((rng.next() - 0.5) * [2, 10, 80, 1600][i % 4]);
    for (const x of args) assert.ok(Object.is(exp(x), Math.exp(x)), `exp(${x}) = ${exp(x)}, Math.exp ${Math.exp(x)}`);
  });

  it('give the JavaScript kernels’ losses and gradient bits, masked logits and odd widths included', () => {
    const js = kernelsNamed('js');
    const wasm = kernelsNamed('wasm');
    const rng = new SeededRandom(3);
    for (const [m, n] of [[1, 1], [2, 3], [3, 5], [4, 8], [7, 33], [16, 301]]) {
      const logits = Float32Array.from({ length: m * n }, () => (rng.next() - 0.5) * 12);
      const logQ = Float32Array.from({ length: n }, () => -rng.next() * 8);
      // Repeated candidate ids make accidental hits, which the correction masks with -Infinity.
      const candidates = Int32Array.from({ length: n }, () => Math.floor(rng.next() * Math.max(2, n / 2)));
      const targetCols = Int32Array.from({ length: m }, () => Math.floor(rng.next() * n));
      const targetIds = Int32Array.from(targetCols, (c) => candidates[c]);
      const a = logits.slice();
      const b = logits.slice();
      js.correctSampledLogits(a, m, n, candidates, logQ, targetIds, targetCols);
      wasm.correctSampledLogits(b, m, n, candidates, logQ, targetIds, targetCols);
      assert.deepEqual(b, a, `corrected logits ${m}×${n}`);
      const ref = js.softmaxCrossEntropy(a, m, n, targetCols, 0.25);
      const got = wasm.softmaxCrossEntropy(b, m, n, targetCols, 0.25, b);
      assert.equal(got.loss, ref.loss, `loss ${m}×${n}`);
      assert.deepEqual(got.grad, ref.grad, `gradient ${m}×${n}`);
    }
  });

  it('work in place on logits in the workspace, with the same bits', () => {
    const js = kernelsNamed('js');
    const wasm = kernelsNamed('wasm');
    const rng = new SeededRandom(4);
    const [m, n] = [5, 37];
    const logits = Float32Array.from({ length: m * n }, () => (rng.next() - 0.5) * 12);
    const logQ = Float32Array.from({ length: n }, () => -rng.next() * 8);
    const candidates = Int32Array.from({ length: n }, (_, j) => j % 20);
    const targetCols = Int32Array.from({ length: m }, (_, r) => r * 3);
    const targetIds = Int32Array.from(targetCols, (c) => candidates[c]);
    const a = logits.slice();
    js.correctSampledLogits(a, m, n, candidates, logQ, targetIds, targetCols);
    const ref = js.softmaxCrossEntropy(a, m, n, targetCols, 0.5, a);
    const b = wasm.workspace(m * n);
    b.set(logits);
    wasm.correctSampledLogits(b, m, n, candidates, logQ, targetIds, targetCols);
    const got = wasm.softmaxCrossEntropy(b, m, n, targetCols, 0.5, b);
    assert.equal(got.loss, ref.loss);
    assert.equal(got.grad, b, 'the gradient replaces the logits');
    assert.deepEqual(b, a);
  });

  it('give the JavaScript ELU’s bits, odd lengths and both signs included', () => {
    const js = kernelsNamed('js');
    const wasm = kernelsNamed('wasm');
    const rng = new SeededRandom(5);
    for (const len of [1, 3, 4, 7, 64, 1001]) {
      const x = Float32Array.from({ length: len }, (_, i) => (rng.next() - 0.6) * [1e-9, 0.01, 1, 30][i % 4]);
      assert.deepEqual(wasm.eluForward(x.slice()), js.eluForward(x.slice()), `length ${len}`);
    }
  });
});
