// The protocol's baselines, in report order.
import type { Dataset } from '../datasets/index.js';
import { ease } from './ease.js';
import { ials } from './ials.js';
import { lightFmCf, lightFmHybrid } from './light-fm.js';
import { popularity } from './popularity.js';
import { pureSvd } from './pure-svd.js';
import { recencyEase } from './recency-ease.js';
import type { Recommender } from './recommender.js';
import { sequenceKnn } from './sequence-knn.js';

/**
 * The models every report compares against: Popularity, MF (iALS), PureSVD and EASE; the
 * thesis' LightFM CF and hybrid (the hybrid reads `dataset`'s features); then the order-aware
 * ones, which read the train events' order as the deep model's history bag does.
 */
export function baselinesFor(dataset: Dataset): readonly Recommender[] {
  return [popularity, pureSvd, ials, ease, lightFmCf, lightFmHybrid(dataset), recencyEase, sequenceKnn];
}
