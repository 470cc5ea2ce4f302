import { buildFeatureSpec, encodeCatalog } from '../../../shared/features/index.js';
import type { EncodedItems, FeatureSpec, ItemCatalog } from '../../../shared/features/index.js';
import { TITLE_WORDS_FEATURE, loadDataset, withContinuousBins, withTitleWords } from '../datasets/index.js';
import type { Dataset } from '../datasets/index.js';
import { catalogKnownTo } from '../eval/known-tags.js';
import { dedupeEarliest, itemIdOrder, splitInteractions } from '../eval/split.js';
import type { Events, HeldOut, SplitMode } from '../eval/split.js';
import { extendFeatureSpec } from '../retrain/extend-feature-spec.js';
import { buildTrainingData } from './build-training-data.js';
import type { TrainingData } from './training-data.js';
import { featureList } from './train-config.js';
import { byUser } from './user-events.js';
import type { UserEvents } from './user-events.js';

/** Everything needed to rebuild the same training data on any thread (structured-cloneable). */
export interface DataRecipe {
  /** `--data`: synthetic:SIZE, movielens:PATH, csv:ITEMS,INTERACTIONS,SCHEMA or log:DIR. */
  readonly data: string;
  /** `--items`: the items of log:DIR data (see loadDataset). */
  readonly items?: string;
  /** Count and skip malformed rows instead of failing. */
  readonly skipBadRows?: boolean;
  readonly dim: number;
  readonly bagLength?: number;
  /** How far ahead of its history a training target may lie (see `buildTrainingData`); default 0. */
  readonly horizon?: number;
  /** Share of examples whose history is cut at the start of the target's session (see `buildTrainingData`); default 0. */
  readonly sessionCut?: number;
  /** Training targets drawn among the next k items after the history (see `buildTrainingData`); default 1 (the next item). */
  readonly targetWindow?: number;
  /** Catalog features left out of the spec, comma-separated (see TrainConfig.excludedFeatures); default none. */
  readonly excludedFeatures?: string;
  /** Title words as a feature, this many at most (see TrainConfig.titleWords); default 0 (none). */
  readonly titleWords?: number;
  /** Quantile bins of every continuous feature as a categorical one (see TrainConfig.continuousBins); default 0 (none). */
  readonly continuousBins?: number;
  /**
   * true: hold out the protocol's test part (the last 20 % of each user's history) so the
   * bundle can be evaluated honestly; false: train on all interactions.
   */
  readonly holdOutTest: boolean;
  /** false: fit every train event, without the inner validation split (a refit); default true. */
  readonly validation?: boolean;
  /** The rule of the held-out test part: per-user (default) or one time cut, the most recent window (retrain's gate). */
  readonly testSplit?: SplitMode;
  /**
   * A warm start's serving spec: the built spec is grown from it (`extendFeatureSpec`), so
   * every item and value it knows keeps its row and the serving weights can be copied in.
   */
  readonly baseSpec?: FeatureSpec;
}

/** The prepared data: the training examples plus what validation and the bundle need. */
export interface PreparedData {
  readonly dataset: Dataset;
  readonly spec: FeatureSpec;
  readonly encoded: EncodedItems;
  readonly training: TrainingData;
  /** The events the model is fitted on (train minus validation). */
  readonly fitEvents: Events;
  /** The same, per user. */
  readonly fit: UserEvents;
  /** The validation items per user (the protocol's rule applied to train). */
  readonly validation: HeldOut;
  /** Train events (fit + validation), per user: the profile the test is predicted from. */
  readonly train: UserEvents;
  /** The protocol's test items (empty when nothing is held out). */
  readonly test: HeldOut;
}

/** Loads a dataset and builds the training data for a recipe; the worker factory too. */
export async function prepareData(recipe: DataRecipe): Promise<PreparedData> {
  const dataset = await loadDataset(recipe.data, {
    ...(recipe.items === undefined ? {} : { items: recipe.items }),
    ...(recipe.skipBadRows === undefined ? {} : { skipBadRows: recipe.skipBadRows }),
  });
  const order = itemIdOrder(dataset.items.ids);
  const scope = { validation: recipe.validation ?? true, trainPart: recipe.holdOutTest };
  if (!recipe.holdOutTest) return prepareFromEvents(dataset, dedupeEarliest(dataset.interactions, order), recipe, scope);
  const outer = splitInteractions(dataset.interactions, recipe.testSplit ?? 'user', order);
  return { ...prepareFromEvents(dataset, outer.train, recipe, scope), test: outer.test };
}

/** Which part of a dataset a fit sees (see `prepareFromEvents`). */
export interface FitScope {
  /** true (default): hold out the protocol's validation part of the events; false: fit them all (a refit). */
  readonly validation?: boolean;
  /** The split rule of that validation part, as the evaluation's `--split` (default 'user'). */
  readonly split?: SplitMode;
  /**
   * The events are the train part of a split (later events are held out): item tags are then
   * limited to those the fitted events may know (`catalogKnownTo`). Default false.
   */
  readonly trainPart?: boolean;
}

/**
 * Builds the training data from a dataset's train events (deduplicated, sorted by user,
 * time, item): the validation rule of the protocol splits them into fit and validation,
 * or, with `scope.validation` false (a refit with a known epoch count), all of them are
 * fitted. Time ties break by item id, as in the evaluation.
 */
export function prepareFromEvents(
  dataset: Dataset,
  trainEvents: Events,
  recipe: Pick<DataRecipe, 'dim' | 'bagLength' | 'horizon' | 'sessionCut' | 'targetWindow' | 'excludedFeatures' | 'titleWords' | 'continuousBins' | 'baseSpec'>,
  scope: FitScope = {},
): PreparedData {
  const validation = scope.validation ?? true;
  const split = scope.split ?? 'user';
  const inner = validation ? splitInteractions(trainEvents, split, itemIdOrder(dataset.items.ids)) : { train: trainEvents, test: EMPTY_HELD_OUT };
  const users = dataset.interactions.userIds.length;
  const fit = byUser(inner.train, users);
  const known = validation || scope.trainPart === true ? catalogKnownTo(dataset, inner.train, split) : dataset.items;
  const words = recipe.titleWords ?? 0;
  const bins = recipe.continuousBins ?? 0;
  const withWords = words > 0 ? withTitleWords(known) : known;
  const items = bins > 0 ? withContinuousBins(withWords, bins) : withWords;
  const built = buildFeatureSpec(items, inner.train.item, {
    ...(recipe.bagLength === undefined ? {} : { bagLength: recipe.bagLength }),
    // A word of one title cannot carry anything from one item to another.
    ...(words > 0 ? { perFeature: { [TITLE_WORDS_FEATURE]: { minCount: 2, maxVocabulary: words } } } : {}),
    ...(recipe.excludedFeatures === undefined || recipe.excludedFeatures === '' ? {} : { features: keptFeatures(items, featureList(recipe.excludedFeatures)) }),
  });
  const spec = recipe.baseSpec === undefined ? built : extendFeatureSpec(recipe.baseSpec, built);
  const encoded = encodeCatalog(spec, items);
  return {
    dataset,
    spec,
    encoded,
    training: buildTrainingData(spec, encoded, fit, recipe.dim, recipe.horizon ?? 0, recipe.sessionCut ?? 0, recipe.targetWindow ?? 1),
    fitEvents: inner.train,
    fit,
    validation: inner.test,
    train: byUser(trainEvents, users),
    test: EMPTY_HELD_OUT,
  };
}

/** The catalog's feature names without `excluded`; a name the catalog lacks is a typo, so it throws. */
function keptFeatures(catalog: ItemCatalog, excluded: readonly string[]): string[] {
  const names = [...catalog.features.keys()];
  for (const name of excluded) if (!names.includes(name)) throw new Error(`excludedFeatures: the catalog has no feature '${name}' (it has: ${names.join(', ')})`);
  return names.filter((name) => !excluded.includes(name));
}

const EMPTY_HELD_OUT: HeldOut = { users: new Int32Array(0), offsets: new Int32Array(1), items: new Int32Array(0) };

/** The worker-side factory: the same TrainingData as the main thread's `prepareData`. */
export async function prepareTrainingData(recipe: DataRecipe): Promise<TrainingData> {
  return (await prepareData(recipe)).training;
}
