import assert from 'node:assert/strict';
import { loadDataset } from '../datasets/index.js';
import { coldItemsSplit, withoutNewItemTags } from './cold-items-split.js';
import { lightFmColdItems } from './light-fm-cold-items.js';
import { dedupeEarliest } from './split.js';
import { buildTrainData } from './train-data.js';

describe('eval lightFmColdItems', () => {
  it('ranks only new items, each from its features alone: new items with the same features tie', async () => {
    const dataset = await loadDataset('synthetic:tiny');
    const split = coldItemsSplit(dedupeEarliest(dataset.interactions), dataset.items.ids.length, 3);
    const data = buildTrainData(split.train, dataset.interactions.userIds.length, dataset.items.ids.length);
    const cold = withoutNewItemTags(dataset, split.newItems).items;
    // Two new items made identical in every feature: a features-only model cannot tell them apart.
    const [a, b] = split.newItems;
    const catalog = { ...cold, features: new Map([...cold.features].filter(([name]) => name === 'category')) };
    const category = catalog.features.get('category');
    assert.ok(category !== undefined && category.kind === 'categorical');
    const codes = Int32Array.from(category.codes);
    codes[b] = codes[a];
    catalog.features.set('category', { ...category, codes });
    const model = lightFmColdItems(dataset, { dim: 8, loss: 'warp', lr: 0.05, l2: 0, epochs: 2 });
    const [ranker] = await model.fit(data, { seed: 1, split: 'user', progress: () => undefined, catalog, newItems: split.newItems, untagged: split.untagged });
    const users = split.heldOut.users.subarray(0, 5);
    const isNew = new Set(split.newItems);
    for (const list of await ranker.recommend(users, split.newItems.length)) {
      assert.equal(list.length, split.newItems.length);
      assert.ok(list.every((i) => isNew.has(i)));
      // Equal scores: ties rank the lower row first, and a, b are the two lowest new rows, so they sit side by side.
      assert.equal(Math.abs(list.indexOf(a) - list.indexOf(b)), 1);
    }
  });
});
