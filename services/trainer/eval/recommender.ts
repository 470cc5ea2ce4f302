// The plug-in point every evaluated model implements: baselines here, the deep model from the trainer.
import type { SplitMode } from './split.js';
import type { TrainData } from './train-data.js';

/** One grid point of a model's hyperparameters, reported as is. */
export type Params = Readonly<Record<string, number | string>>;

/** A fitted model's ranking function. */
export interface Ranker {
  /** Row label in the report, e.g. `EASE` or `Deep, two-stage (C=100)`. */
  readonly name: string;
  /**
   * The top `k` items for each user, best first, never an item the user has in train
   * (the data the model was fitted on). Result `r` belongs to `users[r]`.
   */
  recommend(users: Int32Array, k: number): Promise<Int32Array[]>;
}

/** What a fit may use besides the data: a seed, the split rule, and a progress line sink for long steps. */
export interface FitContext {
  readonly seed: number;
  /** The evaluation's split rule: a model that validates inside its train data applies the same one. */
  readonly split: SplitMode;
  readonly progress: (line: string) => void;
}

/**
 * A model family the evaluation tunes and compares. `fit` may return several rankers that share
 * one training run (the deep model's gold standard, two-stage and retrieval-only forms); the first
 * one is the one tuned on validation.
 */
export interface Recommender {
  readonly name: string;
  /** Hyperparameter grid searched on validation; a single point means "not tuned". */
  readonly grid: readonly Params[];
  /**
   * The fit depends on the seed (random initialisation or sampling): the evaluation then fits
   * it once per seed of the run and reports the mean and spread (docs/evaluation.md, "Seeds").
   */
  readonly stochastic?: boolean;
  fit(data: TrainData, params: Params, context: FitContext): Promise<readonly Ranker[]>;
}
