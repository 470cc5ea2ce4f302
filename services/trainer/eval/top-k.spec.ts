import assert from 'node:assert/strict';
import { topK } from './top-k.js';

describe('eval topK', () => {
  it('returns the k best, best first, lower index first on ties, skipping excluded items', () => {
    const scores = Float32Array.from([0.5, 0.9, -Infinity, 0.9, 0.1, 0.5, 2]);
    assert.deepEqual([...topK(scores, 4)], [6, 1, 3, 0]);
    assert.deepEqual([...topK(scores, 10)], [6, 1, 3, 0, 5, 4]);
    assert.deepEqual([...topK(scores, 0)], []);
  });

  it('agrees with a full sort on random scores with many ties', () => {
    const scores = Float32Array.from({ length: 500 }, (_, i) => ((i * 7919) % 13) / 13);
    const expected = [...scores.keys()].sort((a, b) => scores[b] - scores[a] || a - b).slice(0, 50);
    assert.deepEqual([...topK(scores, 50)], expected);
  });
});
