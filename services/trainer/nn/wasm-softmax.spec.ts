import assert from 'node:assert/strict';
import { SeededRandom } from '../../../shared/random/index.js';
import { kernelsNamed } from './kernels.js';
import { wasmSimdAvailable } from './wasm-module.js';

describe('WebAssembly SIMD softmax kernels', function () {
  before(function () {
    if (!wasmSimdAvailable()) this.skip();
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
});
