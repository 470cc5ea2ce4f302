import assert from 'node:assert/strict';
import { generateSynthetic, parseSyntheticSize, SYNTHETIC_SIZES } from './synthetic.js';

describe('generateSynthetic', () => {
  it('is deterministic by seed and differs across seeds', () => {
    const a = generateSynthetic('tiny', { seed: 5 });
    const b = generateSynthetic('tiny', { seed: 5 });
    const c = generateSynthetic('tiny', { seed: 6 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.interactions.item, c.interactions.item);
  });

  it('makes the tiny size with the documented shape, features and increasing timestamps per user', () => {
    const { items, interactions } = generateSynthetic('tiny');
    assert.equal(items.ids.length, 300);
    assert.equal(interactions.userIds.length, 200);
    assert.ok(Math.abs(interactions.user.length - 6000) < 1500, `${interactions.user.length} interactions`);
    assert.deepEqual([...items.features.keys()], ['category', 'tags', 'price', 'year']);
    assert.match(items.titles[0] ?? '', /^Item 1 \(cat-\d\)$/);
    assert.deepEqual(interactions.eventTypes, ['view', 'save', 'purchase']);
    for (let k = 1; k < interactions.user.length; k++) {
      if (interactions.user[k] === interactions.user[k - 1]) assert.ok(interactions.timestamp[k] > interactions.timestamp[k - 1]);
    }
  });

  it('has popularity skew and next items predictable from the history (same category far above chance)', () => {
    const { items, interactions } = generateSynthetic('small');
    const category = items.features.get('category');
    assert.ok(category?.kind === 'categorical');
    const counts = new Int32Array(items.ids.length);
    for (const item of interactions.item) counts[item]++;
    const sorted = [...counts].sort((x, y) => y - x);
    const top1Percent = sorted.slice(0, items.ids.length / 100).reduce((s, x) => s + x, 0);
    assert.ok(top1Percent / interactions.item.length > 0.05, `top 1% of items hold ${top1Percent / interactions.item.length}`);
    // The most frequent category of a user's history predicts the next item's category.
    let hits = 0;
    let trials = 0;
    const history = new Map<number, number>();
    for (let k = 0; k < interactions.user.length; k++) {
      if (k === 0 || interactions.user[k] !== interactions.user[k - 1]) history.clear();
      const next = category.codes[interactions.item[k]];
      if (history.size > 0) {
        const favourite = [...history.entries()].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
        trials++;
        if (favourite === next) hits++;
      }
      history.set(next, (history.get(next) ?? 0) + 1);
    }
    const chance = 1 / category.levels.length;
    assert.ok(hits / trials > 4 * chance, `hit rate ${hits / trials} vs chance ${chance}`);
  });
});

describe('parseSyntheticSize', () => {
  it('reads names and explicit USERS,ITEMS,INTERACTIONS[,CLUSTERS] sizes, refusing the rest', () => {
    assert.deepEqual(parseSyntheticSize('small'), SYNTHETIC_SIZES.small);
    assert.deepEqual(parseSyntheticSize('200000,100000,20000000'), { users: 200_000, items: 100_000, interactions: 20_000_000, clusters: 50 });
    assert.deepEqual(parseSyntheticSize('20,30,400,3'), { users: 20, items: 30, interactions: 400, clusters: 3 });
    for (const bad of ['huge', '1,2', '0,10,10', '10,10,1e6', '10,5,100,6', '10,10,1000000000']) assert.equal(parseSyntheticSize(bad), null, bad);
  });

  it('generates an explicit size within a few percent of its interactions', () => {
    const d = generateSynthetic(parseSyntheticSize('300,200,6000') ?? SYNTHETIC_SIZES.tiny);
    assert.equal(d.interactions.userIds.length, 300);
    assert.ok(Math.abs(d.interactions.item.length - 6000) < 600, `${d.interactions.item.length} interactions`);
  });
});
