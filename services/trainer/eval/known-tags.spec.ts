import assert from 'node:assert/strict';
import { catalogItem } from '../../../shared/features/index.js';
import type { Dataset } from '../datasets/index.js';
import { catalogKnownTo } from './known-tags.js';
import type { Events } from './split.js';

/** Two films, two users; user 0 tags film 0 at t = 10 and film 1 at t = 30, user 1 tags film 1 at t = 20, a stranger at t = 5. */
function dataset(): Dataset {
  return {
    name: 'tiny',
    items: { ids: ['a', 'b'], titles: ['A', 'B'], features: new Map() },
    interactions: {
      user: new Int32Array(0),
      item: new Int32Array(0),
      timestamp: new Float64Array(0),
      eventType: new Uint8Array(0),
      weight: new Float32Array(0),
      userIds: ['u0', 'u1'],
      eventTypes: ['rating'],
    },
    tagLog: {
      item: Int32Array.of(0, 1, 1, 0),
      user: Int32Array.of(0, 0, 1, -1),
      timestamp: Float64Array.of(10, 30, 20, 5),
      tag: Int32Array.of(0, 1, 2, 3),
      tags: ['pixar', 'heist', 'noir', 'odd'],
      maxTags: 10,
    },
    skippedRows: 0,
    skippedRowMessages: [],
  };
}

/** User 0's train events end at t = 15, user 1's at t = 25. */
const events: Events = { user: Int32Array.of(0, 1), item: Int32Array.of(0, 1), timestamp: Float64Array.of(15, 25) };

const tagsOf = (d: Dataset, events: Events, mode: 'user' | 'global'): unknown[] => {
  const catalog = catalogKnownTo(d, events, mode);
  return [0, 1].map((row) => catalogItem(catalog, row).features.tags);
};

describe('catalogKnownTo (item tags a train part may know)', () => {
  it('per-user split: only tags applied by a user up to their latest train event', () => {
    // user 0's tag at 30 is after their train part; the stranger has no train events.
    assert.deepEqual(tagsOf(dataset(), events, 'user'), [['pixar'], ['noir']]);
  });

  it('global split: every tag applied up to the latest train event', () => {
    assert.deepEqual(tagsOf(dataset(), events, 'global'), [['odd', 'pixar'], ['noir']]);
  });

  it('keeps the catalog as is without a tag log', () => {
    const d = { ...dataset(), tagLog: undefined };
    assert.equal(catalogKnownTo(d, events, 'user'), d.items);
  });
});
