// LightFM-style baselines as evaluation models: "LightFM CF" (identity features only) and
// "LightFM hybrid" (identities plus the dataset's item and user features), as the thesis compares.
import type { CatalogColumn } from '../../../shared/features/index.js';
import { SeededRandom } from '../../../shared/random/index.js';
import type { Dataset } from '../datasets/index.js';
import { catalogKnownTo } from './known-tags.js';
import { FeatureVocabulary } from './light-fm-features.js';
import type { FeatureRows } from './light-fm-features.js';
import { LightFmModel } from './light-fm-model.js';
import type { LightFmSettings } from './light-fm-model.js';
import type { FitContext, Params, Ranker, Recommender } from './recommender.js';
import { factorScorer, scoreRanker } from './score-ranker.js';
import type { UserScorer } from './score-ranker.js';
import type { SplitMode } from './split.js';
import type { TrainData } from './train-data.js';

/** 64 dimensions, the size of the reference LightFM figures on this protocol (docs/experiments.md); the thesis' hybrid used 700. */
const DIMS = [64];
/** LightFM's default rate; 0.01–0.2 were no better on ml-latest-small's validation split (docs/experiments.md). */
const LEARNING_RATES = [0.05];
/** Per-step L2 on the touched parameters; Adagrad shrinks its effect, so useful values are large. */
const L2S = [0.01];
/** Epoch counts searched; consecutive ones continue one run (see `fitLightFm`'s cache). WARP overfits early here. */
const EPOCHS = [5, 10, 20, 40];

/** A fitted LightFM-style model with the feature rows it was fitted on. */
export interface LightFmFit {
  readonly model: LightFmModel;
  readonly users: FeatureRows;
  readonly items: FeatureRows;
  /** Item feature names → embedding rows; builds rows for items the fit did not see (cold start). */
  readonly itemVocabulary: FeatureVocabulary;
  /** The item feature columns the fit used (empty for CF), to encode new items the same way. */
  readonly itemColumns: ReadonlyMap<string, CatalogColumn>;
}

/** What a fit reads besides the train matrix: the feature columns of items and users (empty maps for CF). */
export interface LightFmFeatures {
  readonly items: ReadonlyMap<string, CatalogColumn>;
  readonly users: ReadonlyMap<string, CatalogColumn>;
}

/** `{ dim, loss, learningRate, l2, l2Mode, epochs }` from a grid point (`dim`, `loss`, `lr`, `l2`, `l2Mode`, `epochs`; `loss: 'bpr'` selects BPR, `l2Mode: 'decay'` LightFM's global decay). */
export function lightFmSettings(params: Params): LightFmSettings & { epochs: number } {
  const loss = params.loss === 'bpr' ? 'bpr' : 'warp';
  const l2Mode = params.l2Mode === 'decay' ? 'decay' : 'touched';
  return { dim: Number(params.dim), loss, learningRate: Number(params.lr), l2: Number(params.l2), l2Mode, epochs: Number(params.epochs) };
}

// The last run per train set and settings: a grid point with more epochs continues it instead
// of starting over, so searching the epoch count costs one run to the largest count.
let cached: { data: TrainData; features: LightFmFeatures; key: string; seed: number; epochs: number; fit: LightFmFit; candidates: Int32Array } | undefined;

/**
 * Fits a LightFM-style model on `data` with the given features. Identity features cover the
 * users and items with train interactions; others have only their features (none in CF).
 * Negatives are drawn from the items that have any feature. The returned fit is the cached run:
 * a later call on the same data, features, settings and seed with more epochs trains it further,
 * so read what you need (factors, scores) before the next call.
 */
export function fitLightFm(data: TrainData, features: LightFmFeatures, params: Params, seed: number): LightFmFit {
  const { epochs, ...settings } = lightFmSettings(params);
  // `negatives: 'catalog'`: every catalog item gets an identity and is drawn as a negative, as
  // LightFM does when its dataset lists the whole catalog; the rankers still skip unseen items.
  const catalogNegatives = params.negatives === 'catalog';
  const key = JSON.stringify({ ...settings, catalogNegatives });
  let state = cached;
  if (state === undefined || state.data !== data || state.features !== features || state.key !== key || state.seed !== seed || state.epochs > epochs) {
    const itemVocabulary = new FeatureVocabulary(catalogNegatives ? new Array<boolean>(data.numItems).fill(true) : hasRow(data.byItem), features.items);
    const userVocabulary = new FeatureVocabulary(hasRow(data.byUser), features.users);
    const users = userVocabulary.rows(data.numUsers, features.users, () => true);
    const items = itemVocabulary.rows(data.numItems, features.items, () => true);
    const model = new LightFmModel(settings, userVocabulary.size, itemVocabulary.size, new SeededRandom(seed));
    const candidates = Int32Array.from({ length: data.numItems }, (_, i) => i).filter((i) => items.offsets[i + 1] > items.offsets[i]);
    state = { data, features, key, seed, epochs: 0, fit: { model, users, items, itemVocabulary, itemColumns: features.items }, candidates };
    cached = state;
  }
  for (; state.epochs < epochs; state.epochs++) state.fit.model.trainEpoch(state.fit.users, state.fit.items, data.byUser, state.candidates);
  return state.fit;
}

/** The search grid of both rows: WARP, as the thesis' LightFM runs (`loss: 'bpr'` selects BPR). */
const GRID: readonly Params[] = DIMS.flatMap((dim) =>
  LEARNING_RATES.flatMap((lr) => L2S.flatMap((l2) => EPOCHS.map((epochs) => ({ dim, loss: 'warp', lr, l2, epochs })))),
);

const NO_FEATURES: LightFmFeatures = { items: new Map(), users: new Map() };

/** LightFM CF: user and item identities only. */
export const lightFmCf: Recommender = {
  name: 'LightFM CF',
  grid: GRID,
  stochastic: true,
  fit: (data, params, context) => {
    const fit = fitLightFm(data, NO_FEATURES, params, context.seed);
    return Promise.resolve([lightFmRanker('LightFM CF', data, fit)]);
  },
};

/**
 * LightFM hybrid: identities plus the item catalog's features (MovieLens: genres, release-year
 * bins, decade, and tags applied no later than the train part, see `catalogKnownTo`) and the
 * dataset's demographic user features where it has them.
 */
export function lightFmHybrid(dataset: Dataset): Recommender {
  // One feature set per train part: the cache above keys on it.
  let last: { data: TrainData; split: SplitMode; features: LightFmFeatures } | undefined;
  const featuresFor = (data: TrainData, context: FitContext): LightFmFeatures => {
    if (last?.data !== data || last.split !== context.split) {
      last = { data, split: context.split, features: { items: catalogKnownTo(dataset, data.events, context.split).features, users: dataset.users?.features ?? new Map() } };
    }
    return last.features;
  };
  return {
    name: 'LightFM hybrid',
    grid: GRID,
    stochastic: true,
    fit: (data, params, context) => {
      const fit = fitLightFm(data, featuresFor(data, context), params, context.seed);
      return Promise.resolve([lightFmRanker('LightFM hybrid', data, fit)]);
    },
  };
}

/**
 * Scores every catalog item for a user from its features alone, every identity feature left
 * out (the cold-start protocol's view of new items): `columns` are the catalog's feature
 * columns (default: those of the fit; pass fewer, e.g. without tags, to restrict what a new
 * item is known by). Feature values the fit never saw are dropped.
 */
export function featuresOnlyScorer(fit: LightFmFit, numItems: number, columns: ReadonlyMap<string, CatalogColumn> = fit.itemColumns): UserScorer {
  const rows = fit.itemVocabulary.rows(numItems, columns, () => false);
  return factorScorer(fit.model.userFactors(fit.users), fit.model.itemFactors(rows), fit.model.dim + 1);
}

/**
 * Ranks the items with train interactions by u·v + b_item. CF knows nothing of the others; the
 * hybrid could score them from their features, but those features-only vectors outscore the
 * warm items they compete with (validation MAP@10 0.035 against 0.056 on ml-latest-small), so
 * the warm protocol leaves them out as it does for CF; cold items have their own split.
 */
function lightFmRanker(name: string, data: TrainData, fit: LightFmFit): Ranker {
  const dim = fit.model.dim + 1;
  return scoreRanker(name, data, factorScorer(fit.model.userFactors(fit.users), fit.model.itemFactors(fit.items), dim), true);
}

function hasRow(csr: { readonly offsets: Int32Array }): boolean[] {
  return Array.from({ length: csr.offsets.length - 1 }, (_, r) => csr.offsets[r + 1] > csr.offsets[r]);
}
