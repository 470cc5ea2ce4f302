// The protocol's baselines, in report order.
import { ease } from './ease.js';
import { ials } from './ials.js';
import { popularity } from './popularity.js';
import { pureSvd } from './pure-svd.js';
import type { Recommender } from './recommender.js';

/** Popularity, MF (iALS), PureSVD and EASE: the models every report compares against. */
export const BASELINES: readonly Recommender[] = [popularity, pureSvd, ials, ease];
