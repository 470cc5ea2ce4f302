import type { TensorMap } from '../../../shared/features/index.js';
import type { SeededRandom } from '../../../shared/random/index.js';

/** Loss parts of one (partial) batch, already divided by the full batch size. */
export interface StepLoss {
  /** Softmax cross-entropy (softmax) or BCE (thesis). */
  main: number;
  /** RankNet BCE (softmax) or the λ-weighted cosine term (thesis). */
  aux: number;
}

/**
 * One training objective: computes the gradients of a slice of a batch into the model's
 * gradient buffers (they accumulate: zero them before a batch). Losses are scaled by
 * 1/batchSize, so the slices of one batch on several threads sum to the batch mean.
 */
export interface TrainingObjective {
  /** Gradients of `examples` (a slice of a batch of `batchSize`), whose user inputs are `feed`. */
  run(examples: Int32Array, feed: TensorMap, batchSize: number, rng: SeededRandom): StepLoss;
  /** Multiply-adds of the dense algebra in the last run (forward + backward). */
  readonly lastMacs: number;
}
