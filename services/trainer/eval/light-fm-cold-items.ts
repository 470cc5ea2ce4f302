// LightFM hybrid on the cold-start items split: a new item's vector is the mean of its feature embeddings.
import type { Dataset } from '../datasets/index.js';
import { newItemRanker } from './cold-item-recommender.js';
import type { ColdItemRecommender } from './cold-item-recommender.js';
import { fitLightFm } from './light-fm.js';
import type { LightFmFeatures } from './light-fm.js';
import type { Params } from './recommender.js';

/**
 * Its settings on new items: the hybrid's main-protocol point (docs/experiments.md B13–B24: 64
 * dimensions, WARP, lr 0.05, L2 0.01) with the epoch count the cold-items validation part chose
 * (B33: 10 epochs, Recall@20 0.1723 against 0.1633 at the main protocol's 40).
 */
export const LIGHTFM_COLD_PARAMS: Params = { dim: 64, loss: 'warp', lr: 0.05, l2: 0.01, epochs: 10 };

/**
 * LightFM hybrid fitted on the train events without the new items, with the catalog as the
 * cold split knows it (new items: creation-time features only). A new item has no identity
 * feature (it has no train event), so it is scored from its features alone.
 */
export function lightFmColdItems(dataset: Dataset, params: Params = LIGHTFM_COLD_PARAMS): ColdItemRecommender {
  let features: { catalog: unknown; value: LightFmFeatures } | undefined;
  return {
    name: 'LightFM hybrid',
    stochastic: true,
    fit: (data, context) => {
      // One features object per catalog: the fit cache keys on its identity.
      if (features?.catalog !== context.catalog) features = { catalog: context.catalog, value: { items: context.catalog.features, users: dataset.users?.features ?? new Map() } };
      const fit = fitLightFm(data, features.value, params, context.seed);
      const dim = fit.model.dim + 1;
      const users = fit.model.userFactors(fit.users);
      const items = fit.model.itemFactors(fit.items);
      return Promise.resolve([
        newItemRanker('LightFM hybrid', context.newItems, (user, out) => {
          const pu = user * dim;
          context.newItems.forEach((i, j) => {
            let s = 0;
            for (let f = 0; f < dim; f++) s += users[pu + f] * items[i * dim + f];
            out[j] = s;
          });
        }),
      ]);
    },
  };
}
