import assert from 'node:assert/strict';
import { topKOrder } from './top-k-order.js';

describe('topKOrder', () => {
  it('orders the best k indices by descending score, ties by index', () => {
    const scores = new Float32Array([0.1, 0.9, 0.5, 0.9, 0.3]);
    assert.deepEqual(topKOrder(scores, 3), [1, 3, 2]);
    assert.deepEqual(topKOrder(scores, 10), [1, 3, 2, 4, 0]);
    assert.deepEqual(topKOrder(scores, 0), []);
  });
});
