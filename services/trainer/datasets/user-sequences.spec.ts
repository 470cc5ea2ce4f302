import assert from 'node:assert/strict';
import type { Dataset } from './dataset.js';
import { generateSynthetic } from './synthetic.js';
import { groupByUser } from './user-sequences.js';

describe('groupByUser', () => {
  it('groups rows by user, sorted by timestamp then item id', () => {
    const dataset: Dataset = {
      name: 'fixture',
      items: { ids: ['b', 'a', 'c'], titles: [], features: new Map() },
      interactions: {
        user: Int32Array.from([1, 0, 1, 1, 0]),
        item: Int32Array.from([2, 0, 0, 1, 2]),
        timestamp: Float64Array.from([30, 20, 10, 10, 5]),
        eventType: new Uint8Array(5),
        weight: new Float32Array(5).fill(NaN),
        userIds: ['x', 'y', 'z'],
        eventTypes: ['view'],
      },
      skippedRows: 0,
      skippedRowMessages: [],
    };
    const { offsets, order } = groupByUser(dataset);
    assert.deepEqual([...offsets], [0, 2, 5, 5]);
    // User 1 at t=10 has items 'b' (row 2) and 'a' (row 3): 'a' first.
    assert.deepEqual([...order], [4, 1, 3, 2, 0]);
  });

  it('covers every interaction once on generated data', () => {
    const dataset = generateSynthetic('tiny');
    const { offsets, order } = groupByUser(dataset);
    assert.equal(offsets[offsets.length - 1], dataset.interactions.user.length);
    assert.equal(new Set(order).size, order.length);
  });
});
