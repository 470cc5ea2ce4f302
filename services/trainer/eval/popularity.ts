// Popularity baseline: every user gets the items with the most train interactions.
import type { Recommender } from './recommender.js';
import { scoreRanker } from './score-ranker.js';

/** Items ranked by train interaction count (ties: lower item index first). */
export const popularity: Recommender = {
  name: 'Popularity',
  grid: [{}],
  fit: (data) => {
    const counts = new Float32Array(data.numItems);
    for (let i = 0; i < data.numItems; i++) counts[i] = data.byItem.offsets[i + 1] - data.byItem.offsets[i];
    return Promise.resolve([scoreRanker('Popularity', data, (_user, out) => out.set(counts))]);
  },
};
