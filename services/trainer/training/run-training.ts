import type { TrainOutcome } from './train-model.js';
import { trainModel } from './train-model.js';
import { GradientWorkerPool } from './gradient-worker-pool.js';
import { prepareData } from './prepare-data.js';
import type { DataRecipe, PreparedData } from './prepare-data.js';
import type { TrainConfig } from './train-config.js';
import { heldOutMap10, popularityValidationMap10 } from './validate.js';

/** A finished training run: the data it used, the outcome and the validation figures. */
export interface TrainingRun {
  readonly prepared: PreparedData;
  readonly outcome: TrainOutcome;
  /** Two-stage validation MAP@10 of the kept weights. */
  readonly validationMap10: number;
  readonly popularityValidationMap10: number;
  readonly prepareSeconds: number;
  readonly wallSeconds: number;
}

/**
 * Loads the data of `recipe`, trains with `config` on all threads (early stopping on the
 * validation MAP@10 of the two-stage ranking), and reports against popularity.
 */
export async function runTraining(recipe: DataRecipe, config: TrainConfig, log: (line: string) => void): Promise<TrainingRun> {
  const started = performance.now();
  const prepared = await prepareData(recipe);
  const prepareSeconds = (performance.now() - started) / 1000;
  const t = prepared.training;
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
    parallel: { create: (model) => GradientWorkerPool.start(model, config.workers, factory, config) },
    log,
  });
  const validationMap10 = outcome.bestValidationMap ?? 0;
  const popularity = await popularityValidationMap10(prepared);
  return {
    prepared,
    outcome,
    validationMap10,
    popularityValidationMap10: popularity,
    prepareSeconds,
    wallSeconds: (performance.now() - started) / 1000,
  };
}
