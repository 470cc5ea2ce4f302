import type { StepProgress, TrainOutcome } from './train-model.js';
import { trainModel } from './train-model.js';
import { GradientWorkerPool } from './gradient-worker-pool.js';
import { prepareData } from './prepare-data.js';
import type { DataRecipe, PreparedData } from './prepare-data.js';
import { resolveTrainConfig } from './train-config.js';
import type { TrainConfig } from './train-config.js';
import type { Model } from '../model/index.js';
import { heldOutMap10, popularityValidationMap10 } from './validate.js';

/** A finished training run: the data it used, the outcome and the validation figures. */
export interface TrainingRun {
  /** The data of the final model (the refit's when refitting: its vocabularies go in the bundle). */
  readonly prepared: PreparedData;
  /** The early-stopped run: validation figures, throughput. */
  readonly outcome: TrainOutcome;
  /** The weights to ship: the early-stopped ones, or the refit's. */
  readonly model: Model;
  /** The refit on all train events, when asked for. */
  readonly refit: TrainOutcome | null;
  /** Two-stage validation MAP@10 of the kept weights. */
  readonly validationMap10: number;
  readonly popularityValidationMap10: number;
  readonly prepareSeconds: number;
  readonly wallSeconds: number;
}

/** How a run reports: finished lines, live step progress, and whether to refit. */
export interface RunTrainingOptions {
  readonly log: (line: string) => void;
  readonly progress?: (progress: StepProgress) => void;
  /** After early stopping, retrain from scratch on all train events for the chosen epochs. */
  readonly refit?: boolean;
  /** Starting weights of the (early-stopped) run, given its prepared data: a warm start. */
  readonly initialize?: (model: Model, prepared: PreparedData) => void;
}

/**
 * Loads the data of `recipe`, trains with `config` on all threads (early stopping on the
 * validation MAP@10 of the two-stage ranking), and reports against popularity. With
 * `refit`, a second run from scratch fits all train events (validation included) for the
 * chosen epoch count, as the evaluation protocol refits its models.
 */
export async function runTraining(recipe: DataRecipe, config: TrainConfig, options: RunTrainingOptions): Promise<TrainingRun> {
  const { log, progress, refit = false, initialize } = options;
  const started = performance.now();
  const prepared = await prepareData(recipe);
  const prepareSeconds = (performance.now() - started) / 1000;
  const t = prepared.training;
  const skipped = prepared.dataset.skippedRows;
  if (skipped > 0) log(`skipped ${skipped} bad rows, e.g. ${prepared.dataset.skippedRowMessages.slice(0, 3).join('; ')}`);
  log(`data: ${recipe.data}: ${t.catalogSize} items, ${t.exampleCount} training examples, ${prepared.validation.users.length} validation users (${prepareSeconds.toFixed(1)} s)`);
  const factory = { module: new URL(import.meta.url.endsWith('.ts') ? './prepare-data.ts' : './prepare-data.js', import.meta.url).href, exportName: 'prepareTrainingData', args: recipe };
  const validate = (model: Parameters<typeof heldOutMap10>[0]): number => {
    const retrieval = heldOutMap10(model, prepared, prepared.fit, prepared.validation, 'retrieval', config.candidates);
    const twoStage = heldOutMap10(model, prepared, prepared.fit, prepared.validation, 'two-stage', config.candidates);
    log(`  validation MAP@10: two-stage ${twoStage.toFixed(4)}, retrieval only ${retrieval.toFixed(4)}`);
    return twoStage;
  };
  const outcome = await trainModel({
    data: t,
    config,
    validate: prepared.validation.users.length > 0 ? validate : undefined,
    ...(initialize === undefined ? {} : { initialize: (model: Model): void => initialize(model, prepared) }),
    parallel: { create: (model) => GradientWorkerPool.start(model, config.workers, factory, config) },
    log,
    progress,
  });
  const validationMap10 = outcome.bestValidationMap ?? 0;
  const popularity = await popularityValidationMap10(prepared);
  let final = { prepared, model: outcome.model, refit: null as TrainOutcome | null };
  if (refit) {
    const allRecipe: DataRecipe = { ...recipe, validation: false };
    const all = await prepareData(allRecipe);
    const refitConfig = resolveTrainConfig({ ...config, epochs: outcome.bestEpoch });
    log(`refit on all ${all.training.exampleCount} train examples for ${refitConfig.epochs} epochs`);
    const refitOutcome = await trainModel({
      data: all.training,
      config: refitConfig,
      parallel: { create: (model) => GradientWorkerPool.start(model, refitConfig.workers, { ...factory, args: allRecipe }, refitConfig) },
      log,
      progress,
    });
    final = { prepared: all, model: refitOutcome.model, refit: refitOutcome };
  }
  return {
    ...final,
    outcome,
    validationMap10,
    popularityValidationMap10: popularity,
    prepareSeconds,
    wallSeconds: (performance.now() - started) / 1000,
  };
}
