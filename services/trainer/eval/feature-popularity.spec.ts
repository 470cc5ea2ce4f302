import assert from 'node:assert/strict';
import type { ItemCatalog } from '../../../shared/features/index.js';
import { featurePopularity } from './feature-popularity.js';
import { randomNewItems } from './random-new-items.js';
import { buildTrainData } from './train-data.js';

/** Items 0-2 old (genres A, A, B), 3-5 new (A, B, A|B); user 0 has items 0 and 1 (A), user 1 has item 2 (B), user 2 has 0 and 2. */
function toy(): { catalog: ItemCatalog; data: ReturnType<typeof buildTrainData> } {
  const catalog: ItemCatalog = {
    ids: ['0', '1', '2', '3', '4', '5'],
    titles: [],
    features: new Map([['genres', { kind: 'multi', levels: ['A', 'B'], offsets: Int32Array.from([0, 1, 2, 3, 4, 5, 7]), codes: Int32Array.from([0, 0, 1, 0, 1, 0, 1]) }]]),
  };
  const user = Int32Array.from([0, 0, 1, 2, 2]);
  const item = Int32Array.from([0, 1, 2, 0, 2]);
  return { catalog, data: buildTrainData({ user, item, timestamp: new Float64Array(5) }, 3, 6) };
}

describe('eval cold-start baselines', () => {
  it('feature popularity ranks new items by the genres the user likes, weighted by how popular they are', async () => {
    const { catalog, data } = toy();
    const newItems = Int32Array.from([3, 4, 5]);
    const [ranker] = await featurePopularity.fit(data, { seed: 1, split: 'user', progress: () => undefined, catalog, newItems, untagged: newItems });
    const lists = await ranker.recommend(Int32Array.from([0, 1, 2]), 3);
    // User 0 likes only A (pop 3): item 3 (A) and item 5 (A|B) score 3, item 4 (B) 0.
    assert.deepEqual([...lists[0]].slice(0, 2).sort(), [3, 5]);
    assert.equal(lists[0][2], 4);
    // User 1 likes only B (pop 2): 4 and 5 first.
    assert.deepEqual([...lists[1]].slice(0, 2).sort(), [4, 5]);
    // User 2 half A, half B: the item with both genres wins.
    assert.equal(lists[2][0], 5);
    for (const list of lists) for (const i of list) assert.ok(newItems.includes(i), 'only new items are ranked');
  });

  it('random ranks every new item, and the order depends on the seed', async () => {
    const { catalog, data } = toy();
    const newItems = Int32Array.from({ length: 50 }, (_, j) => j);
    const big = { ...catalog, ids: Array.from({ length: 50 }, (_, j) => String(j)) };
    const order = async (seed: number): Promise<number[]> => {
      const [ranker] = await randomNewItems.fit(data, { seed, split: 'user', progress: () => undefined, catalog: big, newItems, untagged: newItems });
      return [...(await ranker.recommend(Int32Array.from([0]), 50))[0]];
    };
    const a = await order(1);
    assert.deepEqual([...a].sort((x, y) => x - y), [...newItems]);
    assert.deepEqual(await order(1), a);
    assert.notDeepEqual(await order(2), a);
  });
});
