import { loadDataset } from '../datasets/index.js';
import type { Dataset } from '../datasets/index.js';
import type { FitContext, Params, Ranker, Recommender } from '../eval/recommender.js';
import type { Events } from '../eval/split.js';
import type { TrainData } from '../eval/train-data.js';
import { rowOf } from '../eval/train-data.js';
import type { Model } from '../model/index.js';
import { GradientWorkerPool } from './gradient-worker-pool.js';
import { embedCatalog, rankUsers } from './model-ranker.js';
import type { RankingMode } from './model-ranker.js';
import { prepareFromEvents } from './prepare-data.js';
import type { FitScope, PreparedData } from './prepare-data.js';
import { profileFeed } from './profile-feed.js';
import { resolveTrainConfig } from './train-config.js';
import type { TrainConfig } from './train-config.js';
import { trainModel } from './train-model.js';
import type { StepProgress, TrainOutcome } from './train-model.js';
import { heldOutMap10 } from './validate.js';

/** Worker-side rebuild of a deep fit's data: the dataset by name plus the exact train events. */
export interface EventsRecipe {
  readonly data: string;
  readonly events: Events;
  readonly dim: number;
  readonly bagLength: number;
  readonly horizon: number;
  readonly sessionCut: number;
  readonly scope: FitScope;
}

/** The worker factory for `deepRecommender` fits (see DataFactory). */
export async function prepareTrainingDataFromEvents(recipe: EventsRecipe): Promise<PreparedData['training']> {
  return prepareFromEvents(await loadDataset(recipe.data), recipe.events, recipe, recipe.scope).training;
}

/** The deep model's ranked forms the evaluation reports, in order (the first is tuned). */
const FORMS: readonly { label: string; mode: RankingMode; candidates: number }[] = [
  { label: 'Deep, two-stage (C=100)', mode: 'two-stage', candidates: 100 },
  { label: 'Deep, two-stage (C=300)', mode: 'two-stage', candidates: 300 },
  { label: 'Deep, retrieval only', mode: 'retrieval', candidates: 100 },
  { label: 'Deep, gold standard', mode: 'gold', candidates: 0 },
];

/**
 * The deep model as an evaluation Recommender: `fit` first trains with early stopping on
 * the protocol's validation rule applied inside the given train events, then refits from
 * scratch on all of them for the epoch count that stopping chose (the protocol's "refit on
 * all of train with the chosen settings": the most recent events and the items only they
 * contain would otherwise never be fitted). It returns the two-stage, retrieval-only and
 * gold-standard rankers over the refitted weights. `data` is the `--data` name the dataset
 * was loaded from (workers reload it); grid points override `base`. A grid point with
 * `refit: 1` skips the first stage and fits all events for exactly `epochs` epochs. `onStep`
 * hears each training step's progress (the command shows it; the model prints nothing itself).
 */
export function deepRecommender(dataset: Dataset, data: string, base: Partial<TrainConfig>, grid: readonly Params[] = [{}], onStep?: (progress: StepProgress) => void): Recommender {
  return {
    name: 'Deep',
    grid,
    async fit(train: TrainData, params: Params, context: FitContext): Promise<readonly Ranker[]> {
      const { refit, ...overrides } = params;
      let config = resolveTrainConfig({ seed: context.seed, ...base, ...(overrides as Partial<TrainConfig>) });
      if (refit !== 1) {
        const stopped = await fitEvents(dataset, data, train.events, config, true, context, onStep);
        config = resolveTrainConfig({ ...config, epochs: stopped.outcome.bestEpoch });
        context.progress(`refit on all ${train.events.user.length} train events for ${config.epochs} epochs`);
      }
      const { prepared, outcome } = await fitEvents(dataset, data, train.events, config, false, context, onStep);
      return FORMS.map((form) => modelRanker(form.label, outcome.model, prepared, train, form.mode, form.candidates));
    },
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
  onStep: ((progress: StepProgress) => void) | undefined,
): Promise<{ prepared: PreparedData; outcome: TrainOutcome }> {
  // The events are the evaluation's train part: the inner split follows its rule, and tags stop at it.
  const scope: FitScope = { validation, split: context.split, trainPart: true };
  const prepared = prepareFromEvents(dataset, events, config, scope);
  const recipe: EventsRecipe = { data, events, dim: config.dim, bagLength: config.bagLength, horizon: config.horizon, sessionCut: config.sessionCut, scope };
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

/** Rankings from the profiles of each user's train events, never a train item. */
function modelRanker(name: string, model: Model, prepared: PreparedData, train: TrainData, mode: RankingMode, candidates: number): Ranker {
  let items: ReturnType<typeof embedCatalog> | null = null;
  return {
    name,
    recommend: (users, k) => {
      items ??= embedCatalog(model, prepared.training.catalog, prepared.training.catalogSize);
      const feed = profileFeed(prepared.spec, prepared.encoded, prepared.train, users);
      return Promise.resolve(rankUsers(model, items, feed, users.length, (r) => rowOf(train.byUser, users[r]), { mode, candidates, k }));
    },
  };
}
