import assert from 'node:assert/strict';
import { topKOrder } from './top-k-order.js';

/** The definition: every index sorted by descending score, ties by index, the first k. */
function sortedOrder(scores: Float32Array, k: number): number[] {
  return Array.from(scores.keys())
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .slice(0, Math.max(0, k));
}

describe('topKOrder', () => {
  it('orders the best k indices by descending score, ties by index', () => {
    const scores = new Float32Array([0.1, 0.9, 0.5, 0.9, 0.3]);
    assert.deepEqual(topKOrder(scores, 3), [1, 3, 2]);
    assert.deepEqual(topKOrder(scores, 10), [1, 3, 2, 4, 0]);
    assert.deepEqual(topKOrder(scores, 0), []);
  });

  it('agrees with a full sort for small and large k, with many ties', () => {
    let state = 7;
    const random = (): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    for (const length of [1, 2, 11, 300, 1000]) {
      // Scores from a few distinct values, so that ties are everywhere.
      const scores = Float32Array.from({ length }, () => Math.floor(random() * 7) / 7 - 0.5);
      for (const k of [1, 2, 10, 64, 65, 299, 300, 2000]) assert.deepEqual(topKOrder(scores, k), sortedOrder(scores, k), `n=${length} k=${k}`);
    }
  });
});
