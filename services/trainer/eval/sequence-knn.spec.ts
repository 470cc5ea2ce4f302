import assert from 'node:assert/strict';
import { sequenceKnn, sequenceKnnScorer } from './sequence-knn.js';
import type { FitContext } from './recommender.js';
import { buildTrainData } from './train-data.js';
import type { TrainData } from './train-data.js';

const context: FitContext = { seed: 1, split: 'user', progress: () => undefined };

/**
 * Users 1–6 watch 0, 1, 2, …, 9 in order; user 0 watched 0 then 5. Near item 5 in those
 * sequences are 3, 4, 6, 7; near item 0 are 1, 2.
 */
function chains(): TrainData {
  const rows: Array<[number, number, number]> = [];
  for (let u = 1; u <= 6; u++) for (let i = 0; i < 10; i++) rows.push([u, i, i]);
  rows.push([0, 0, 0], [0, 5, 1]);
  rows.sort((a, b) => a[0] - b[0] || a[2] - b[2]);
  return buildTrainData(
    { user: Int32Array.from(rows, (r) => r[0]), item: Int32Array.from(rows, (r) => r[1]), timestamp: Float64Array.from(rows, (r) => r[2]) },
    7,
    10,
  );
}

describe('SKNN', () => {
  it('scores only items within the window of the user\'s last items, the latest weighing most', () => {
    const data = chains();
    const scores = new Float32Array(10);
    sequenceKnnScorer(data, 1, 1, 1)(0, scores);
    // Last item 5, window 1: its neighbours 4 and 6 in users 1–6's sequences and 0 in user 0's own.
    assert.deepEqual([...scores].map((s, i) => (s > 0 ? i : -1)).filter((i) => i >= 0), [0, 4, 6]);
    sequenceKnnScorer(data, 2, 1, 2)(0, scores);
    assert.ok(scores[6] > scores[1], `the latest item's neighbour ${scores[6]} outweighs the older item's ${scores[1]}`);
    assert.ok(scores[1] > 0 && scores[8] === 0, 'item 1 is within 2 of item 0; item 8 is 3 away from 5');
  });

  it('recommends the latest item\'s next neighbours, excluding the user\'s own', async () => {
    const [ranker] = await sequenceKnn.fit(chains(), { lastN: 2, halfLife: 1, window: 1 }, context);
    const [top] = await ranker.recommend(Int32Array.of(0), 2);
    assert.deepEqual([...top].sort(), [4, 6]);
  });
});
