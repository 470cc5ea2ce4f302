// EASE with a recency-weighted input: the fitted B of plain EASE, applied to the user's row
// weighted 2^(−n/h) by recency position n (0 = most recent train item), so that the latest
// items drive the scores; the order-aware counterpart of EASE.
import { easeRowScorer } from './ease.js';
import type { Recommender } from './recommender.js';
import { scoreRanker } from './score-ranker.js';
import { recencyWeights, timeOrderedRows } from './train-sequences.js';
import { rowOf } from './train-data.js';

/** λ around plain EASE's optimum (100–300 on ml-latest-small); 2000 was weaker on validation. */
const LAMBDAS = [100, 200, 300, 500, 1000];
/** Half-lives in items (plain EASE, h = ∞, is a row of its own). */
const HALF_LIVES = [2, 3, 5, 10, 20];

export const recencyEase: Recommender = {
  name: 'Recency EASE',
  // λ outermost: consecutive points share one inverse (easeRowScorer keeps the last).
  grid: LAMBDAS.flatMap((lambda) => HALF_LIVES.map((halfLife) => ({ lambda, halfLife }))),
  fit: (data, params) => {
    const score = easeRowScorer(data, Number(params.lambda));
    const rows = timeOrderedRows(data);
    const halfLife = Number(params.halfLife);
    let weights: Float64Array = new Float64Array(0);
    return Promise.resolve([
      scoreRanker(
        'Recency EASE',
        data,
        (user, out) => {
          const items = rowOf(rows, user);
          if (weights.length < items.length) weights = recencyWeights(items.length, halfLife).reverse();
          // Oldest first in `items`: the last one gets weight 1.
          score(items, weights.subarray(weights.length - items.length), out);
        },
        true,
      ),
    ]);
  },
};
