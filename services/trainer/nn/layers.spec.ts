import assert from 'node:assert/strict';
import { bceWithLogits } from './bce.js';
import { concatBackward, concatForward } from './concat.js';
import { cosineLoss } from './cosine-loss.js';
import { denseBackward, denseForward } from './dense.js';
import { rowDotBackward, rowDotForward } from './dot.js';
import { dropoutBackward, dropoutForward } from './dropout.js';
import { eluBackward, eluForward } from './elu.js';
import { embeddingBackward, embeddingBagBackward, embeddingBagForward, embeddingForward } from './embedding.js';
import { maxGradientError } from './grad-check.js';
import { allocateBuffers, bindParams, LayoutBuilder } from './param.js';
import type { Param } from './param.js';
import { SeededRandom } from '../../../shared/random/index.js';
import { correctSampledLogits, softmaxCrossEntropy } from './softmax-cross-entropy.js';

/** Float32 central differences are accurate to about 1e-3 relative on these sizes. */
const TOLERANCE = 2e-2;

function randomArray(n: number, rng: SeededRandom, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}

function makeParams(decls: [string, number, number, boolean][], rng: SeededRandom): Map<string, Param> {
  const b = new LayoutBuilder();
  for (const [name, rows, cols, sparse] of decls) b.add(name, rows, cols, sparse);
  const layout = b.layout();
  const buffers = allocateBuffers(layout, false);
  for (let i = 0; i < buffers.values.length; i++) buffers.values[i] = rng.normal() * 0.5;
  return bindParams(layout, buffers);
}

/** Σ c ⊙ y: a scalar loss whose gradient w.r.t. y is the fixed random c. */
function project(y: Float32Array, c: Float32Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * c[i];
  return s;
}

describe('nn layers: numerical gradient checks', () => {
  const rng = new SeededRandom(7);

  it('dense: dW, db and dx', () => {
    const p = makeParams([['w', 5, 3, false], ['b', 1, 3, false]], rng);
    const w = p.get('w')!;
    const b = p.get('b')!;
    const m = 4;
    const x = randomArray(m * 5, rng);
    const c = randomArray(m * 3, rng);
    const loss = (): number => project(denseForward(x, m, w, b), c);
    const dx = denseBackward(x, c, m, w, b, true)!;
    assert.ok(maxGradientError(w.value, w.grad, loss) < TOLERANCE);
    assert.ok(maxGradientError(b.value, b.grad, loss) < TOLERANCE);
    assert.ok(maxGradientError(x, dx, loss) < TOLERANCE);
  });

  it('elu', () => {
    const x = randomArray(30, rng);
    const c = randomArray(30, rng);
    const loss = (): number => project(eluForward(x.slice()), c);
    const dx = eluBackward(eluForward(x.slice()), c.slice());
    assert.ok(maxGradientError(x, dx, loss, 1e-3) < TOLERANCE);
  });

  it('embedding lookup marks touched rows', () => {
    const p = makeParams([['t', 6, 4, true]], rng);
    const t = p.get('t')!;
    const ids = Int32Array.from([1, 3, 1, 5]);
    const c = randomArray(16, rng);
    const loss = (): number => project(embeddingForward(t, ids), c);
    embeddingBackward(t, ids, c);
    assert.ok(maxGradientError(t.value, t.grad, loss) < TOLERANCE);
    assert.deepEqual(Array.from(t.touched!), [0, 1, 0, 1, 0, 1]);
  });

  it('weighted embedding bag, padding (weight 0) untouched', () => {
    const p = makeParams([['t', 7, 3, true]], rng);
    const t = p.get('t')!;
    const bag = 3;
    const ids = Int32Array.from([2, 4, 0, 6, 2, 1]);
    const weights = Float32Array.from([0.5, 0.5, 0, 0.2, 0.3, 0.5]);
    const c = randomArray(2 * 3, rng);
    const loss = (): number => project(embeddingBagForward(t, ids, weights, bag), c);
    embeddingBagBackward(t, ids, weights, bag, c);
    assert.ok(maxGradientError(t.value, t.grad, loss) < TOLERANCE);
    assert.equal(t.touched![0], 0);
    assert.equal(t.touched![6], 1);
  });

  it('concat', () => {
    const a = randomArray(6, rng);
    const b = randomArray(9, rng);
    const c = randomArray(15, rng);
    const loss = (): number => project(concatForward([a, b], [2, 3], 3), c);
    const [da, db] = concatBackward(c, [2, 3], 3);
    assert.ok(maxGradientError(a, da, loss) < TOLERANCE);
    assert.ok(maxGradientError(b, db, loss) < TOLERANCE);
  });

  it('dropout: kept units scaled, dropped units get no gradient', () => {
    const x = randomArray(1000, rng);
    const y = x.slice();
    const mask = dropoutForward(y, 0.5, new SeededRandom(1));
    let dropped = 0;
    for (let i = 0; i < x.length; i++) {
      if (mask[i] === 0) {
        dropped++;
        assert.equal(y[i], 0);
      } else assert.ok(Math.abs(y[i] - 2 * x[i]) < 1e-6);
    }
    assert.ok(dropped > 400 && dropped < 600);
    const c = randomArray(1000, rng);
    const fixed = (): number => project(Float32Array.from(x, (v, i) => v * mask[i]), c);
    assert.ok(maxGradientError(x, dropoutBackward(c.slice(), mask), fixed) < TOLERANCE);
  });

  it('row dot product', () => {
    const a = randomArray(12, rng);
    const b = randomArray(12, rng);
    const c = randomArray(3, rng);
    const loss = (): number => project(rowDotForward(a, b, 3, 4), c);
    const da = new Float32Array(12);
    const db = new Float32Array(12);
    rowDotBackward(a, b, c, 3, 4, da, db);
    assert.ok(maxGradientError(a, da, loss) < TOLERANCE);
    assert.ok(maxGradientError(b, db, loss) < TOLERANCE);
  });

  it('sigmoid binary cross-entropy, stable for large logits', () => {
    const z = randomArray(8, rng, 2);
    const y = Float32Array.from([1, 0, 1, 0, 0, 1, 1, 0]);
    const loss = (): number => bceWithLogits(z, y, 0.25).loss;
    assert.ok(maxGradientError(z, bceWithLogits(z, y, 0.25).grad, loss) < TOLERANCE);
    const big = bceWithLogits(Float32Array.from([80, -80]), Float32Array.from([0, 1]), 1);
    assert.ok(Math.abs(big.loss - 160) < 1e-3);
  });

  it('full softmax cross-entropy', () => {
    const z = randomArray(3 * 5, rng);
    const t = Int32Array.from([0, 4, 2]);
    const loss = (): number => softmaxCrossEntropy(z, 3, 5, t, 1 / 3).loss;
    assert.ok(maxGradientError(z, softmaxCrossEntropy(z, 3, 5, t, 1 / 3).grad, loss) < TOLERANCE);
  });

  it('sampled softmax: log-popularity correction and accidental hits masked', () => {
    // Candidates: the 3 in-batch targets + 2 extra samples; item 9 is row 0's target and also sampled.
    const candidates = Int32Array.from([9, 4, 7, 9, 2]);
    const logQ = Float32Array.from([-1, -2, -3, -1, -4]);
    const targets = Int32Array.from([9, 4, 7]);
    const columns = Int32Array.from([0, 1, 2]);
    const raw = randomArray(15, rng);
    const z = raw.slice();
    correctSampledLogits(z, 3, 5, candidates, logQ, targets, columns);
    assert.equal(z[3], -Infinity);
    assert.ok(Math.abs(z[4] - (raw[4] + 4)) < 1e-6);
    assert.ok(Math.abs(z[5 + 3] - (raw[5 + 3] + 1)) < 1e-6);
    const r = softmaxCrossEntropy(z, 3, 5, columns, 1);
    assert.equal(r.grad[3], 0, 'a masked accidental hit gets no gradient');
    assert.ok(Number.isFinite(r.loss));
    // The gradient check itself on finite stand-ins for the masked logits.
    const finite = Float32Array.from(z, (v) => (Number.isFinite(v) ? v : -1e4));
    const lossOf = (): number => softmaxCrossEntropy(finite, 3, 5, columns, 1).loss;
    assert.ok(maxGradientError(finite, softmaxCrossEntropy(finite, 3, 5, columns, 1).grad, lossOf) < TOLERANCE);
  });

  it('cosine similarity term (thesis eq. 4.10)', () => {
    const a = randomArray(12, rng);
    const b = randomArray(12, rng);
    const y = Float32Array.from([1, 0, 1]);
    const loss = (): number => cosineLoss(a, b, 3, 4, y, 0.5).loss;
    const r = cosineLoss(a, b, 3, 4, y, 0.5);
    assert.ok(maxGradientError(a, r.gradA, loss, 1e-3) < TOLERANCE);
    assert.ok(maxGradientError(b, r.gradB, loss, 1e-3) < TOLERANCE);
  });
});
