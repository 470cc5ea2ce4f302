import assert from 'node:assert/strict';
import type { CatalogColumn } from '../../../shared/features/index.js';
import { featuresOnlyScorer, fitLightFm, lightFmCf } from './light-fm.js';
import type { LightFmFeatures } from './light-fm.js';
import type { FitContext } from './recommender.js';
import { buildTrainData } from './train-data.js';
import type { TrainData } from './train-data.js';

const context: FitContext = { seed: 1, split: 'user', progress: () => undefined };
const PARAMS = { dim: 8, loss: 'warp', lr: 0.1, l2: 0, epochs: 6 };

/**
 * Users 0–5 like items 0–4 (genre "a"), users 6–11 items 5–9 (genre "b"); user 0 lacks 3 and 4.
 * Items 10 ("a") and 11 ("b") have no train interactions: new items.
 */
function twoGenres(): { data: TrainData; genres: CatalogColumn } {
  const pairs: Array<[number, number]> = [];
  for (let u = 0; u < 6; u++) for (let i = 0; i < 5; i++) if (u > 0 || i < 3) pairs.push([u, i]);
  for (let u = 6; u < 12; u++) for (let i = 5; i < 10; i++) pairs.push([u, i]);
  const data = buildTrainData(
    { user: Int32Array.from(pairs, (p) => p[0]), item: Int32Array.from(pairs, (p) => p[1]), timestamp: new Float64Array(pairs.length) },
    12,
    12,
  );
  const codes = Int32Array.from({ length: 12 }, (_, i) => (i < 5 || i === 10 ? 0 : 1));
  return { data, genres: { kind: 'multi', levels: ['a', 'b'], offsets: Int32Array.from({ length: 13 }, (_, i) => i), codes } };
}

describe('LightFM baselines', () => {
  it('LightFM CF ranks the user\'s unseen group items first and never an item without train interactions', async () => {
    const { data } = twoGenres();
    const [ranker] = await lightFmCf.fit(data, PARAMS, context);
    const [top] = await ranker.recommend(Int32Array.of(0), 12);
    assert.deepEqual([...top.slice(0, 2)].sort(), [3, 4]);
    assert.equal(top.length, 7, 'items 0–2 (train) and 10, 11 (no interactions) left out');
  });

  it('with catalog negatives every item has an identity to be drawn as a negative, and the ranker still skips the unseen ones', async () => {
    const { data } = twoGenres();
    const none: LightFmFeatures = { items: new Map(), users: new Map() };
    assert.equal(fitLightFm(data, none, PARAMS, 1).itemVocabulary.identity[10], -1, 'by default an item without interactions has no identity');
    const fit = fitLightFm(data, none, { ...PARAMS, negatives: 'catalog' }, 1);
    assert.ok(fit.itemVocabulary.identity[10] >= 0 && fit.itemVocabulary.identity[11] >= 0);
    const [ranker] = await lightFmCf.fit(data, { ...PARAMS, negatives: 'catalog' }, context);
    const [top] = await ranker.recommend(Int32Array.of(0), 12);
    assert.deepEqual([...top.slice(0, 2)].sort(), [3, 4]);
    assert.ok(!top.includes(10) && !top.includes(11));
  });

  it('the hybrid scores new items from their features alone, identity out of vocabulary', () => {
    const { data, genres } = twoGenres();
    const features: LightFmFeatures = { items: new Map([['genres', genres]]), users: new Map() };
    const fit = fitLightFm(data, features, PARAMS, 1);
    assert.equal(fit.itemVocabulary.identity[10], -1, 'no identity feature for an item without train interactions');
    // Features only for every item, as a cold-start split would ask.
    const rows = fit.itemVocabulary.rows(12, fit.itemColumns, () => false);
    // Ten identities (items 0–9) take features 0–9; genres a and b are 10 and 11.
    for (let i = 0; i < 12; i++) assert.deepEqual([...rows.indices.subarray(rows.offsets[i], rows.offsets[i + 1])], [i < 5 || i === 10 ? 10 : 11]);
    const scores = new Float32Array(12);
    const scorer = featuresOnlyScorer(fit, 12);
    const score = (user: number, item: number): number => {
      scorer(user, scores);
      return scores[item];
    };
    assert.ok(score(0, 10) > score(0, 11), `group a user: new a-item ${score(0, 10)} vs new b-item ${score(0, 11)}`);
    assert.ok(score(7, 11) > score(7, 10), `group b user: new b-item ${score(7, 11)} vs new a-item ${score(7, 10)}`);
  });

  it('a grid point with more epochs continues the previous run, which equals a run from scratch', () => {
    const { data } = twoGenres();
    const none: LightFmFeatures = { items: new Map(), users: new Map() };
    const short = fitLightFm(data, none, { ...PARAMS, epochs: 3 }, 7);
    const shortFactors = short.model.itemFactors(short.items);
    const continued = fitLightFm(data, none, PARAMS, 7);
    assert.equal(continued.model, short.model, 'continued, not refitted');
    const fresh = fitLightFm(buildTrainData(data.events, data.numUsers, data.numItems), none, PARAMS, 7);
    assert.notEqual(fresh.model, short.model);
    assert.deepEqual(continued.model.itemFactors(continued.items), fresh.model.itemFactors(fresh.items));
    assert.notDeepEqual(shortFactors, fresh.model.itemFactors(fresh.items), '3 epochs differ from 6');
  });
});
