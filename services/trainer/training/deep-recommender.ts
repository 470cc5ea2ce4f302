import { loadDataset } from '../datasets/index.js';
import type { Dataset } from '../datasets/index.js';
import type { ColdItemRecommender } from '../eval/cold-item-recommender.js';
import { withoutNewItemTags } from '../eval/cold-items-split.js';
import type { FitContext, Params, Ranker, Recommender } from '../eval/recommender.js';
import type { Events } from '../eval/split.js';
import type { TrainData } from '../eval/train-data.js';
import { rowOf } from '../eval/train-data.js';
import type { Model } from '../model/index.js';
import { GradientWorkerPool } from './gradient-worker-pool.js';
import { embedCatalog, rankUsers } from './model-ranker.js';
import type { CatalogEmbeddings, RankingMode } from './model-ranker.js';
import { prepareFromEvents } from './prepare-data.js';
import { profileFeed } from './profile-feed.js';
import type { FitScope, PreparedData } from './prepare-data.js';
import { resolveTrainConfig } from './train-config.js';
import type { TrainConfig } from './train-config.js';
import { trainModel } from './train-model.js';
import type { StepProgress, TrainOutcome } from './train-model.js';

/** Hears each training step's progress: the command shows it; the model prints nothing itself. */
export type StepListener = (progress: StepProgress) => void;
import { heldOutMap10 } from './validate.js';

/** Worker-side rebuild of a deep fit's data: the dataset by name plus the exact train events. */
export interface EventsRecipe {
  readonly data: string;
  readonly events: Events;
  readonly dim: number;
  readonly bagLength: number;
  readonly horizon: number;
  readonly sessionCut: number;
  readonly targetWindow: number;
  readonly excludedFeatures: string;
  readonly titleWords: number;
  readonly continuousBins: number;
  readonly scope: FitScope;
  /** Catalog rows of the cold-items split whose user tags the fit must not see (ColdItemsSplit.untagged). */
  readonly untagged?: Int32Array;
}

/** The worker factory for `deepRecommender` fits (see DataFactory). */
export async function prepareTrainingDataFromEvents(recipe: EventsRecipe): Promise<PreparedData['training']> {
  const dataset = await loadDataset(recipe.data);
  return prepareFromEvents(recipe.untagged === undefined ? dataset : withoutNewItemTags(dataset, recipe.untagged), recipe.events, recipe, recipe.scope).training;
}

/** The deep model's ranked forms the evaluation reports, in order (the first is tuned). */
const FORMS: readonly Form[] = [
  { label: 'Deep, two-stage (C=100)', mode: 'two-stage', candidates: 100 },
  { label: 'Deep, two-stage (C=300)', mode: 'two-stage', candidates: 300 },
  { label: 'Deep, retrieval only', mode: 'retrieval', candidates: 100 },
  { label: 'Deep, gold standard', mode: 'gold', candidates: 0 },
];

/** One ranked form of a fitted deep model: a row of the report. */
export interface Form {
  readonly label: string;
  readonly mode: RankingMode;
  readonly candidates: number;
}

/** A deep model's report rows besides the default: its family name and the forms it reports. */
export interface DeepVariant {
  readonly name: string;
  readonly forms: readonly Form[];
}

/** The thesis' objective (BCE on sampled negatives + cosine term) as one row, the service's two-stage form. */
export const THESIS_VARIANT: DeepVariant = {
  name: 'Deep, thesis objective',
  forms: [{ label: 'Deep, thesis objective (BCE + cosine)', mode: 'two-stage', candidates: 100 }],
};
/** The training options the thesis variant sets over the trainer's defaults: its objective, on next-item targets as reproduced (E4, docs/experiments.md). */
export const THESIS_OBJECTIVE: Partial<TrainConfig> = { objective: 'thesis', targetWindow: 1 };

/**
 * The cold-start items model's settings over the trainer's defaults, chosen on the cold split's
 * validation part (docs/experiments.md C3–C24): ItemNet trained from features alone (every item
 * id out of vocabulary, so new items are scored by the same path that was trained), a fixed 12
 * epochs on all train events, with the target window and log-Q weight it was chosen with (the
 * main model's moved later, E67–E69), and a bag of the last 50 items without recency decay: a
 * new item's events lie anywhere in a user's history, so the long-run taste matters, not the
 * session (C22, C23). The main protocol's model keeps the ids (itemIdDropout 0).
 */
export const COLD_ITEMS_DEEP: { readonly options: Partial<TrainConfig>; readonly params: Params } = {
  options: { itemIdDropout: 1, epochs: 12, targetWindow: 1, logQWeight: 1.25, bagHalfLife: 0, bagLength: 50 },
  params: { refit: 1 },
};

/** The cold-start items rows: what the service would do (two-stage) and the towers alone. */
const COLD_FORMS: readonly Form[] = [
  { label: 'Deep, two-stage (C=100)', mode: 'two-stage', candidates: 100 },
  { label: 'Deep, retrieval only', mode: 'retrieval', candidates: 100 },
];

/**
 * The deep model as an evaluation Recommender: `fit` first trains with early stopping on
 * the protocol's validation rule applied inside the given train events, then refits from
 * scratch on all of them for the epoch count that stopping chose (the protocol's "refit on
 * all of train with the chosen settings": the most recent events and the items only they
 * contain would otherwise never be fitted). It returns the two-stage, retrieval-only and
 * gold-standard rankers over the refitted weights. `data` is the `--data` name the dataset
 * was loaded from (workers reload it); grid points override `base`. A grid point with
 * `refit: 1` skips the first stage and fits all events for exactly `epochs` epochs.
 */
export function deepRecommender(
  dataset: Dataset,
  data: string,
  base: Partial<TrainConfig>,
  grid: readonly Params[] = [{}],
  variant: DeepVariant = { name: 'Deep', forms: FORMS },
  onStep?: StepListener,
): Recommender {
  const fitter = deepFitter(dataset, data, base, undefined, onStep);
  return {
    name: variant.name,
    grid,
    stochastic: true,
    async fit(train: TrainData, params: Params, context: FitContext): Promise<readonly Ranker[]> {
      const { prepared, model } = await fitter(train, params, context);
      return variant.forms.map((form) => modelRanker(form, model, prepared, train));
    },
  };
}

/**
 * The deep model on the cold-start items split: fitted as `deepRecommender` on train events
 * without the new items, whose ItemNet inputs are their creation-time features and the
 * out-of-vocabulary item id (`buildFeatureSpec` gives ids only to items with train events).
 * The OOV id row adds the same vector to every new item's e_i and the same bias, a constant
 * per user, so the order among new items comes from their features alone. `params` as a grid
 * point of `deepRecommender` (`{ refit: 1 }`: no stage A, `epochs` epochs on all train events).
 */
export function deepColdItems(dataset: Dataset, data: string, base: Partial<TrainConfig>, onStep?: StepListener, params: Params = {}): ColdItemRecommender {
  // One fitter per split part (its untagged items), so that seeds share stage A's epoch count.
  let fitter: { readonly untagged: Int32Array; readonly fit: DeepFitter } | null = null;
  return {
    name: 'Deep',
    stochastic: true,
    async fit(train, context) {
      if (fitter?.untagged !== context.untagged) {
        fitter = { untagged: context.untagged, fit: deepFitter(withoutNewItemTags(dataset, context.untagged), data, base, context.untagged, onStep) };
      }
      const { prepared, model } = await fitter.fit(train, params, context);
      const isNew = new Uint8Array(train.numItems);
      for (const i of context.newItems) isNew[i] = 1;
      // Every old item is excluded (the users' train items among them): only new items are ranked.
      const old = Int32Array.from({ length: train.numItems }, (_, i) => i).filter((i) => isNew[i] === 0);
      return COLD_FORMS.map((form) => modelRanker(form, model, prepared, train, () => old));
    },
  };
}

/** Fits a deep model on a train part (see `deepFitter`). */
type DeepFitter = (train: TrainData, params: Params, context: FitContext) => Promise<{ prepared: PreparedData; model: Model }>;

/**
 * Stage A (early stopping on the inner validation split) then the refit on all train events;
 * a grid point with `refit: 1` skips stage A. The epoch count stage A chose is kept per train
 * part and grid point: further seeds on the same part refit for it without repeating stage A
 * (the epoch count is a hyperparameter, chosen once on validation, docs/evaluation.md "Seeds").
 */
function deepFitter(dataset: Dataset, data: string, base: Partial<TrainConfig>, untagged: Int32Array | undefined, onStep: StepListener | undefined): DeepFitter {
  const chosenEpochs = new WeakMap<TrainData, Map<string, number>>();
  return async (train, params, context) => {
    const { refit, ...overrides } = params;
    let config = resolveTrainConfig({ seed: context.seed, ...base, ...(overrides as Partial<TrainConfig>) });
    if (refit !== 1) {
      const key = JSON.stringify(overrides);
      const known = chosenEpochs.get(train) ?? new Map<string, number>();
      chosenEpochs.set(train, known);
      let epochs = known.get(key);
      if (epochs === undefined) {
        const stopped = await fitEvents(dataset, data, train.events, config, true, context, untagged, onStep);
        epochs = stopped.outcome.bestEpoch;
        known.set(key, epochs);
      }
      config = resolveTrainConfig({ ...config, epochs });
      context.progress(`refit on all ${train.events.user.length} train events for ${config.epochs} epochs (seed ${config.seed})`);
    }
    const { prepared, outcome } = await fitEvents(dataset, data, train.events, config, false, context, untagged, onStep);
    return { prepared, model: outcome.model };
  };
}

/** One training run on `events`, with early stopping on an inner validation split or without. */
async function fitEvents(
  dataset: Dataset,
  data: string,
  events: Events,
  config: TrainConfig,
  validation: boolean,
  context: FitContext,
  untagged: Int32Array | undefined,
  onStep: StepListener | undefined,
): Promise<{ prepared: PreparedData; outcome: TrainOutcome }> {
  // The events are the evaluation's train part: the inner split follows its rule, and tags stop at it.
  const scope: FitScope = { validation, split: context.split, trainPart: true };
  const prepared = prepareFromEvents(dataset, events, config, scope);
  const recipe: EventsRecipe = {
    data,
    events,
    dim: config.dim,
    bagLength: config.bagLength,
    horizon: config.horizon,
    sessionCut: config.sessionCut,
    targetWindow: config.targetWindow,
    excludedFeatures: config.excludedFeatures,
    titleWords: config.titleWords,
    continuousBins: config.continuousBins,
    scope,
    ...(untagged === undefined ? {} : { untagged }),
  };
  const factory = {
    module: new URL(import.meta.url.endsWith('.ts') ? './deep-recommender.ts' : './deep-recommender.js', import.meta.url).href,
    exportName: 'prepareTrainingDataFromEvents',
    args: recipe,
  };
  const outcome = await trainModel({
    data: prepared.training,
    config,
    validate: validation ? (model) => heldOutMap10(model, prepared, prepared.fit, prepared.validation, 'two-stage', config.candidates) : undefined,
    parallel: { create: (model) => GradientWorkerPool.start(model, config.workers, factory, config) },
    log: context.progress,
    progress: onStep,
  });
  return { prepared, outcome };
}

/** Rankings from the profiles of each user's train events, never a train item (nor an `excluded` one). */
function modelRanker(form: Form, model: Model, prepared: PreparedData, train: TrainData, excluded?: () => Int32Array): Ranker {
  let items: ReturnType<typeof embedCatalog> | null = null;
  const { mode, candidates } = form;
  return {
    name: form.label,
    recommend: (users, k) => {
      items ??= embedCatalog(model, prepared.training.catalog, prepared.training.catalogSize);
      const feed = profileFeed(prepared.spec, prepared.encoded, prepared.train, users);
      const exclude = excluded ?? ((r: number): Int32Array => rowOf(train.byUser, users[r]));
      return Promise.resolve(rankUsers(model, items, feed, users.length, exclude, { mode, candidates, k }));
    },
  };
}

/**
 * One fit on all of `train` for exactly the configured epochs (no early stopping) and the
 * catalog's e_i and b_i under it: the deep model's item space, for the similar-items and
 * query-mode evaluations.
 */
export async function deepItemSpace(
  dataset: Dataset,
  data: string,
  base: Partial<TrainConfig>,
  train: TrainData,
  context: FitContext,
  onStep?: StepListener,
): Promise<{ model: Model; prepared: PreparedData; items: CatalogEmbeddings }> {
  const { prepared, model } = await deepFitter(dataset, data, base, undefined, onStep)(train, { refit: 1 }, context);
  const items = embedCatalog(model, prepared.training.catalog, prepared.training.catalogSize);
  if (items.count !== train.numItems) throw new Error(`the model embedded ${items.count} catalog rows, the data has ${train.numItems} items`);
  return { model, prepared, items };
}
