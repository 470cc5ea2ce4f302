import assert from 'node:assert/strict';
import { itemQueries, newestEvents } from './query-modes.js';
import type { UserEvents } from './user-events.js';

// Three users: 0 saw items 0, 1, 2 (in that order), 1 saw nothing, 2 saw item 3.
const EVENTS: UserEvents = { offsets: Int32Array.from([0, 3, 3, 4]), items: Int32Array.from([0, 1, 2, 3]), timestamps: Float64Array.from([1, 2, 3, 4]) };
// Item i's embedding is [i, 1].
const ITEMS = { count: 4, e: Float32Array.from([0, 1, 1, 1, 2, 1, 3, 1]), b: new Float32Array(4) };

describe('query modes offline', () => {
  it('keeps the newest events of the chosen users, in time order, and none of the others', () => {
    const kept = newestEvents(EVENTS, Int32Array.from([0, 2]), [2, 1]);
    assert.deepEqual([...kept.offsets], [0, 2, 2, 3]);
    assert.deepEqual([...kept.items], [1, 2, 3]);
    assert.deepEqual([...kept.timestamps], [2, 3, 4]);
  });

  it('builds LAST_ITEM from the newest item and PSEUDO_USER with weights halving per newer item, within the bag', () => {
    const users = Int32Array.from([0, 2]);
    assert.deepEqual([...itemQueries('LAST_ITEM', ITEMS, 2, EVENTS, users, 20)], [2, 1, 3, 1]);
    // Newest first: items 2, 1, 0 with weights 1, 1/2, 1/4.
    const pseudo = itemQueries('PSEUDO_USER', ITEMS, 2, EVENTS, users, 20);
    assert.ok(Math.abs(pseudo[0] - (2 + 0.5) / 1.75) < 1e-6);
    assert.deepEqual([pseudo[1], pseudo[2], pseudo[3]], [1, 3, 1]);
    const bagOfTwo = itemQueries('PSEUDO_USER', ITEMS, 2, EVENTS, users, 2);
    assert.ok(Math.abs(bagOfTwo[0] - (2 + 0.5) / 1.5) < 1e-6, 'only the bag length of recent items counts');
  });
});
