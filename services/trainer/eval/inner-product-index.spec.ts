import assert from 'node:assert/strict';
import { SeededRandom } from '../../../shared/random/index.js';
import { InnerProductIndex } from './inner-product-index.js';
import { topK } from './top-k.js';

describe('eval InnerProductIndex', () => {
  const dim = 16;
  const items = 2000;
  const rng = new SeededRandom(4);
  const vectors = Float32Array.from({ length: items * dim }, () => rng.normal());
  const index = new InnerProductIndex(vectors, dim);

  it('finds the items of largest inner product, like an exact scan, without excluded items', () => {
    let found = 0;
    let expectedTotal = 0;
    for (let q = 0; q < 20; q++) {
      const query = Float32Array.from({ length: dim }, () => rng.normal());
      const exclude = new Set(Array.from({ length: 30 }, () => rng.int(items)));
      const scores = new Float32Array(items);
      for (let i = 0; i < items; i++) {
        let s = 0;
        for (let f = 0; f < dim; f++) s += query[f] * vectors[i * dim + f];
        scores[i] = exclude.has(i) ? -Infinity : s;
      }
      const exact = new Set(topK(scores, 100));
      const approx = index.nearest(query, 100, exclude);
      assert.equal(approx.length, 100);
      assert.ok(!approx.some((i) => exclude.has(i)), 'no excluded item');
      found += [...approx].filter((i) => exact.has(i)).length;
      expectedTotal += exact.size;
    }
    // HNSW is approximate; at this size recall@100 stays close to 1.
    assert.ok(found / expectedTotal > 0.95, `recall ${found / expectedTotal}`);
    assert.equal(index.size, items);
  });

  it('returns fewer items only when the catalog runs out', () => {
    const small = new InnerProductIndex(vectors.subarray(0, 5 * dim), dim);
    assert.deepEqual([...small.nearest(vectors.subarray(0, dim), 10, new Set([1]))].sort(), [0, 2, 3, 4]);
  });
});
