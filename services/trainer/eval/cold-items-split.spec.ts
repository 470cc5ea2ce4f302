import assert from 'node:assert/strict';
import { columnValue } from '../../../shared/features/index.js';
import { loadDataset } from '../datasets/index.js';
import { MIN_NEW_ITEM_INTERACTIONS, NEW_ITEM_SHARE, coldItemsSplit, coldItemsStats, coldItemsValidation, withoutNewItemTags } from './cold-items-split.js';
import { dedupeEarliest, heldOutItems } from './split.js';
import type { Events } from './split.js';

/** 10 users; item i has i + 1 users (users 0..i), so items 4..9 have at least 5. */
function staircase(): Events {
  const user: number[] = [];
  const item: number[] = [];
  for (let i = 0; i < 10; i++) for (let u = 0; u <= i; u++) {
    user.push(u);
    item.push(i);
  }
  return dedupeEarliest({ user: Int32Array.from(user), item: Int32Array.from(item), timestamp: Float64Array.from(user, (_, k) => k) });
}

describe('eval coldItemsSplit', () => {
  it('makes a seeded 20 % of the items with enough users new, moves all their events out of train and holds them out per user', () => {
    const events = staircase();
    const split = coldItemsSplit(events, 10, 7);
    const eligible = 10 - (MIN_NEW_ITEM_INTERACTIONS - 1);
    assert.equal(split.newItems.length, Math.round(NEW_ITEM_SHARE * eligible));
    for (const i of split.newItems) assert.ok(i >= MIN_NEW_ITEM_INTERACTIONS - 1, `item ${i} has too few users to be new`);
    const isNew = new Set(split.newItems);
    assert.ok(!split.train.item.some((i) => isNew.has(i)), 'no new item in train');
    const trainOld = events.item.filter((i) => !isNew.has(i)).length;
    assert.equal(split.train.item.length, trainOld, 'every event on an old item stays');
    split.heldOut.users.forEach((u, k) => {
      const held = [...heldOutItems(split.heldOut, k)];
      assert.ok(held.length > 0 && held.every((i) => isNew.has(i)));
      assert.deepEqual(held, [...split.newItems].filter((i) => i >= u), `user ${u} holds out every new item they had`);
    });
    assert.deepEqual(coldItemsSplit(events, 10, 7).newItems, split.newItems, 'the same seed draws the same items');
    const stats = coldItemsStats(events, 10, split);
    assert.equal(stats.eligibleItems, eligible);
    assert.equal(stats.testInteractions, events.item.filter((i) => isNew.has(i)).length);
  });

  it('carves a validation part from train by the same rule: new items disjoint from the test\'s, none of their events in its fit, neither set\'s tags kept', async () => {
    const dataset = await loadDataset('synthetic:tiny');
    const numItems = dataset.items.ids.length;
    const events = dedupeEarliest(dataset.interactions);
    const test = coldItemsSplit(events, numItems, 3);
    const validation = coldItemsValidation(test, numItems, 3);
    assert.ok(validation.newItems.length > 0);
    const isTestNew = new Set(test.newItems);
    assert.ok(!validation.newItems.some((i) => isTestNew.has(i)), 'the two sets of new items are disjoint');
    const trainUsers = new Int32Array(numItems);
    for (const i of test.train.item) trainUsers[i]++;
    for (const i of validation.newItems) assert.ok(trainUsers[i] >= MIN_NEW_ITEM_INTERACTIONS, `item ${i} has too few train users`);
    const eligible = trainUsers.filter((n) => n >= MIN_NEW_ITEM_INTERACTIONS).length;
    assert.equal(validation.newItems.length, Math.round(NEW_ITEM_SHARE * eligible));
    const isValNew = new Set(validation.newItems);
    assert.ok(!validation.train.item.some((i) => isValNew.has(i) || isTestNew.has(i)), 'the fit has no event on either set');
    assert.equal(validation.train.item.length + validation.heldOut.items.length, test.train.item.length, 'every train event is fit or held out');
    assert.ok(validation.heldOut.items.every((i) => isValNew.has(i)), 'only validation items are held out');
    assert.deepEqual([...validation.untagged], [...new Set([...test.newItems, ...validation.newItems])].sort((a, b) => a - b));
    assert.deepEqual([...test.untagged], [...test.newItems], 'the test part\'s fit keeps the validation items\' tags: they are old there');
    const tags = withoutNewItemTags(dataset, validation.untagged).items.features.get('tags');
    assert.ok(tags !== undefined);
    for (const i of validation.untagged) assert.deepEqual(columnValue(tags, i), [], `item ${i} keeps no user tag`);
    assert.deepEqual(coldItemsValidation(test, numItems, 3).newItems, validation.newItems, 'seeded');
  });

  it('takes the new items\' user tags away, from the catalog and the tag log, and keeps their other features', async () => {
    const dataset = await loadDataset('synthetic:tiny');
    const events = dedupeEarliest(dataset.interactions);
    const { newItems } = coldItemsSplit(events, dataset.items.ids.length, 1);
    assert.ok(newItems.length > 0);
    const cold = withoutNewItemTags(dataset, newItems);
    const tags = cold.items.features.get('tags');
    const before = dataset.items.features.get('tags');
    assert.ok(tags !== undefined && before !== undefined);
    const isNew = new Set(newItems);
    let kept = 0;
    for (let r = 0; r < dataset.items.ids.length; r++) {
      if (isNew.has(r)) assert.deepEqual(columnValue(tags, r), [], `new item ${r} keeps no tag`);
      else kept += (columnValue(tags, r) as string[]).length;
      assert.deepEqual(columnValue(tags, r) ?? [], isNew.has(r) ? [] : columnValue(before, r));
    }
    assert.ok(kept > 0, 'old items keep theirs');
    assert.equal(cold.items.features.get('category'), dataset.items.features.get('category'));
    assert.equal(cold.items.features.get('year'), dataset.items.features.get('year'));
  });

  it('rebuilds the tags of a dataset with a tag log from the applications on old items only', () => {
    const log = { item: Int32Array.from([0, 1, 1]), user: Int32Array.from([0, 0, 1]), timestamp: Float64Array.from([1, 2, 3]), tag: Int32Array.from([0, 1, 0]), tags: ['pixar', 'noir'], maxTags: 10 };
    const items = { ids: ['a', 'b'], titles: [undefined, undefined], features: new Map() };
    const dataset = { name: 'toy', items, interactions: { user: new Int32Array(0), item: new Int32Array(0), timestamp: new Float64Array(0), eventType: new Uint8Array(0), weight: new Float32Array(0), userIds: [], eventTypes: [] }, tagLog: log, skippedRows: 0, skippedRowMessages: [] };
    items.features.set('tags', { kind: 'multi', levels: ['noir', 'pixar'], offsets: Int32Array.from([0, 1, 3]), codes: Int32Array.from([1, 0, 1]) });
    const cold = withoutNewItemTags(dataset, Int32Array.from([1]));
    assert.deepEqual([...(cold.tagLog?.item ?? [])], [0]);
    const tags = cold.items.features.get('tags');
    assert.ok(tags !== undefined);
    assert.deepEqual(columnValue(tags, 0), ['pixar']);
    assert.deepEqual(columnValue(tags, 1), []);
  });
});
