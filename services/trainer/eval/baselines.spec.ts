import assert from 'node:assert/strict';
import { ease, easeScorer } from './ease.js';
import { SeededRandom } from '../../../shared/random/index.js';
import { rowOf } from './train-data.js';
import { ials } from './ials.js';
import { popularity } from './popularity.js';
import { pureSvd } from './pure-svd.js';
import type { FitContext, Params, Recommender } from './recommender.js';
import { buildTrainData } from './train-data.js';
import type { TrainData } from './train-data.js';

/**
 * Two taste groups: users 0–5 like items 0–4, users 6–11 like items 5–9; item 10 is seen by nobody.
 * User 0 has only items 0–2, so the known best answer for them is items 3 and 4, then the other group.
 * Items 5–9 are held by more users than 3 and 4, so popularity alone gets it wrong.
 */
function twoGroups(): TrainData {
  const rows: Array<[number, number]> = [];
  for (let u = 0; u < 6; u++) for (let i = 0; i < 5; i++) if (u > 0 || i < 3) rows.push([u, i]);
  for (let u = 6; u < 12; u++) for (let i = 5; i < 10; i++) rows.push([u, i]);
  for (let u = 12; u < 20; u++) rows.push([u, 5 + (u % 5)]);
  return buildTrainData(
    { user: Int32Array.from(rows.map((r) => r[0])), item: Int32Array.from(rows.map((r) => r[1])), timestamp: new Float64Array(rows.length) },
    20,
    11,
  );
}

const context: FitContext = { seed: 1, split: 'user', progress: () => undefined };

async function topFor(model: Recommender, params: Params, user: number, k: number): Promise<number[]> {
  const [ranker] = await model.fit(twoGroups(), params, context);
  const [list] = await ranker.recommend(Int32Array.of(user), k);
  return [...list];
}

describe('eval baselines on a two-group set', () => {
  it('Popularity ranks by train count, ties by item index, and excludes the user\'s items', async () => {
    // Counts: items 0–2 → 6, 3–4 → 5, 5–9 → 7 or 8, 10 → 0.
    const data = twoGroups();
    const counts = [...Array(11).keys()].map((i) => data.byItem.offsets[i + 1] - data.byItem.offsets[i]);
    const expected = [3, 4, 5, 6, 7, 8, 9, 10].sort((a, b) => counts[b] - counts[a] || a - b);
    assert.deepEqual(await topFor(popularity, {}, 0, 8), expected);
  });

  for (const [model, params] of [
    [pureSvd, { rank: 2 }],
    [ials, { factors: 4, alpha: 4, lambda: 0.1 }],
    [ease, { lambda: 1 }],
  ] as const) {
    it(`${model.name} puts the user's own group first`, async () => {
      const top = await topFor(model, params, 0, 4);
      assert.deepEqual(top.slice(0, 2).sort(), [3, 4]);
      assert.ok(!top.some((i) => i < 3), 'train items excluded');
    });
  }

  it('EASE never recommends an item without train interactions', async () => {
    const top = await topFor(ease, { lambda: 1 }, 0, 20);
    assert.equal(top.length, 7);
    assert.ok(!top.includes(10));
  });

  it('EASE through the Woodbury identity matches the item-side inverse', () => {
    const rng = new SeededRandom(5);
    const rows: Array<[number, number]> = [];
    for (let u = 0; u < 6; u++) for (let i = 0; i < 15; i++) if (rng.next() < 0.4) rows.push([u, i]);
    const data = buildTrainData(
      { user: Int32Array.from(rows.map((r) => r[0])), item: Int32Array.from(rows.map((r) => r[1])), timestamp: new Float64Array(rows.length) },
      6,
      15,
    );
    const viaUsers = easeScorer(data, 3, 'user');
    const viaItems = easeScorer(data, 3, 'item');
    const a = new Float32Array(15);
    const b = new Float32Array(15);
    for (let u = 0; u < 6; u++) {
      viaUsers(u, a);
      viaItems(u, b);
      const own = new Set(rowOf(data.byUser, u));
      for (let i = 0; i < 15; i++) {
        if (own.has(i) || data.byItem.offsets[i + 1] === data.byItem.offsets[i]) continue;
        assert.ok(Math.abs(a[i] - b[i]) < 1e-4, `user ${u} item ${i}: ${a[i]} vs ${b[i]}`);
      }
    }
  });

  it('every tuned baseline has a grid', () => {
    for (const model of [pureSvd, ials, ease]) assert.ok(model.grid.length > 1, model.name);
  });
});
