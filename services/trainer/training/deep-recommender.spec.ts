import assert from 'node:assert/strict';
import { loadDataset } from '../datasets/index.js';
import { coldItemsSplit, withoutNewItemTags } from '../eval/cold-items-split.js';
import { dedupeEarliest, splitInteractions } from '../eval/split.js';
import { buildTrainData, rowOf } from '../eval/train-data.js';
import { deepColdItems, deepRecommender } from './deep-recommender.js';

describe('deepRecommender (the deep model as an evaluation Recommender)', () => {
  it('fits (early stop, then refit on all events) and returns two-stage, retrieval and gold rankers that skip train items', async () => {
    const dataset = await loadDataset('synthetic:tiny');
    const split = splitInteractions(dedupeEarliest(dataset.interactions));
    const train = buildTrainData(split.train, dataset.interactions.userIds.length, dataset.items.ids.length);
    const recommender = deepRecommender(dataset, 'synthetic:tiny', { epochs: 2, dim: 16, workers: 1 });
    const lines: string[] = [];
    const rankers = await recommender.fit(train, {}, { seed: 3, split: 'user', progress: (l) => lines.push(l) });
    assert.ok(lines.some((l) => l.startsWith('refit on all')), 'the second stage refits on all events');
    assert.deepEqual(
      rankers.map((r) => r.name),
      ['Deep, two-stage (C=100)', 'Deep, two-stage (C=300)', 'Deep, retrieval only', 'Deep, gold standard'],
    );
    const users = split.test.users.subarray(0, 20);
    for (const ranker of rankers) {
      const lists = await ranker.recommend(users, 10);
      assert.equal(lists.length, users.length);
      lists.forEach((list, r) => {
        assert.equal(list.length, 10);
        const known = new Set(rowOf(train.byUser, users[r]));
        for (const item of list) assert.ok(!known.has(item), `${ranker.name} recommended a train item`);
      });
    }
  });

  it('refits on all given events for a fixed epoch count', async () => {
    const dataset = await loadDataset('synthetic:tiny');
    const split = splitInteractions(dedupeEarliest(dataset.interactions));
    const train = buildTrainData(split.train, dataset.interactions.userIds.length, dataset.items.ids.length);
    const lines: string[] = [];
    const rankers = await deepRecommender(dataset, 'synthetic:tiny', { dim: 16, workers: 1 }).fit(train, { refit: 1, epochs: 2 }, { seed: 3, split: 'user', progress: (l) => lines.push(l) });
    assert.equal(lines.filter((l) => l.startsWith('epoch ')).length, 2);
    assert.ok(!lines.some((l) => l.includes('val MAP@10')), 'no validation in a refit');
    assert.equal((await rankers[0].recommend(split.test.users.subarray(0, 3), 5)).length, 3);
  });

  it('on the cold-items split ranks only new items, and a second seed refits for the epochs the first one chose', async () => {
    const dataset = await loadDataset('synthetic:tiny');
    const split = coldItemsSplit(dedupeEarliest(dataset.interactions), dataset.items.ids.length, 5);
    const train = buildTrainData(split.train, dataset.interactions.userIds.length, dataset.items.ids.length);
    const catalog = withoutNewItemTags(dataset, split.newItems).items;
    const recommender = deepColdItems(dataset, 'synthetic:tiny', { epochs: 2, dim: 8, workers: 1 });
    const lines: string[] = [];
    const context = { split: 'user' as const, progress: (l: string) => lines.push(l), catalog, newItems: split.newItems, untagged: split.untagged };
    const rankers = await recommender.fit(train, { ...context, seed: 1 });
    assert.deepEqual(rankers.map((r) => r.name), ['Deep, two-stage (C=100)', 'Deep, retrieval only']);
    const isNew = new Set(split.newItems);
    const users = split.heldOut.users.subarray(0, 10);
    for (const ranker of rankers) {
      for (const list of await ranker.recommend(users, 20)) {
        assert.equal(list.length, Math.min(20, split.newItems.length));
        for (const item of list) assert.ok(isNew.has(item), `${ranker.name} ranked an old item`);
      }
    }
    const validated = lines.filter((l) => l.includes('val MAP@10')).length;
    assert.ok(validated > 0, 'the first seed early-stops on validation');
    await recommender.fit(train, { ...context, seed: 2 });
    assert.equal(lines.filter((l) => l.includes('val MAP@10')).length, validated, 'the second seed does not repeat stage A');
    assert.ok(lines.some((l) => l.includes('(seed 2)')));
  });
});
