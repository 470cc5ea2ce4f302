// Random: the floor of the cold-start items table, new items in a seeded random order.
import { SeededRandom } from '../../../shared/random/index.js';
import { newItemRanker } from './cold-item-recommender.js';
import type { ColdItemRecommender } from './cold-item-recommender.js';

/** Every user gets the new items in an order of its own, drawn from the fit's seed. */
export const randomNewItems: ColdItemRecommender = {
  name: 'Random',
  stochastic: true,
  fit: (_data, context) => {
    const rng = new SeededRandom(context.seed);
    return Promise.resolve([newItemRanker('Random', context.newItems, (_user, out) => out.forEach((_, j) => (out[j] = rng.next())))]);
  },
};
