import assert from 'node:assert/strict';
import { SeededRandom } from './seeded-random.js';

describe('SeededRandom', () => {
  it('repeats its stream for the same seed and differs for another seed', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const seqA = Array.from({ length: 8 }, () => a.nextUint32());
    const seqB = Array.from({ length: 8 }, () => b.nextUint32());
    const seqC = Array.from({ length: 8 }, () => c.nextUint32());
    assert.deepEqual(seqA, seqB);
    assert.notDeepEqual(seqA, seqC);
  });

  it('draws uniform floats in [0, 1) with a mean near 1/2 and normals near N(0, 1)', () => {
    const rng = new SeededRandom(7);
    let sum = 0;
    let normalSum = 0;
    let normalSquares = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      assert.ok(u >= 0 && u < 1);
      sum += u;
      const z = rng.normal();
      normalSum += z;
      normalSquares += z * z;
    }
    assert.ok(Math.abs(sum / n - 0.5) < 0.01);
    assert.ok(Math.abs(normalSum / n) < 0.03);
    assert.ok(Math.abs(normalSquares / n - 1) < 0.05);
  });

  it('shuffles into a permutation', () => {
    const values = Int32Array.from({ length: 50 }, (_, i) => i);
    new SeededRandom(1).shuffle(values);
    assert.deepEqual([...values].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
    assert.notDeepEqual([...values], Array.from({ length: 50 }, (_, i) => i));
  });
});
