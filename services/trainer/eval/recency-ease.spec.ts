import assert from 'node:assert/strict';
import { recencyEase } from './recency-ease.js';
import type { FitContext } from './recommender.js';
import { buildTrainData } from './train-data.js';
import type { TrainData } from './train-data.js';

const context: FitContext = { seed: 1, split: 'user', progress: () => undefined };

/**
 * Two taste groups (users 1–8 hold items 0–3 or 4–7, three each, so every item has neighbours);
 * user 0 watched group A's items 0, 1, 2 long ago and group B's item 4 last.
 */
function shiftingUser(): TrainData {
  const rows: Array<[number, number, number]> = [];
  for (let u = 1; u <= 8; u++) {
    const base = u <= 4 ? 0 : 4;
    for (let k = 0; k < 4; k++) if (k !== u % 4) rows.push([u, base + k, k]);
  }
  rows.push([0, 0, 0], [0, 1, 1], [0, 2, 2], [0, 4, 3]);
  rows.sort((a, b) => a[0] - b[0] || a[2] - b[2]);
  return buildTrainData(
    { user: Int32Array.from(rows, (r) => r[0]), item: Int32Array.from(rows, (r) => r[1]), timestamp: Float64Array.from(rows, (r) => r[2]) },
    9,
    8,
  );
}

describe('recency-weighted EASE', () => {
  it('follows the user\'s latest item with a short half-life and their majority with a long one', async () => {
    const data = shiftingUser();
    const top = async (halfLife: number): Promise<number> => {
      const [ranker] = await recencyEase.fit(data, { lambda: 1, halfLife }, context);
      const [list] = await ranker.recommend(Int32Array.of(0), 1);
      return list[0];
    };
    assert.ok((await top(0.25)) >= 5, 'half-life 0.25: the latest item (group B) dominates');
    assert.equal(await top(1000), 3, 'half-life 1000: three group A items outweigh one of group B');
  });

  it('searches λ and the half-life', () => {
    const keys = new Set(recencyEase.grid.map((p) => `${p.lambda}`));
    assert.ok(keys.size > 1 && new Set(recencyEase.grid.map((p) => `${p.halfLife}`)).size > 1);
  });
});
