import type { TensorMap } from '../../../shared/features/index.js';
import { floatInput, INPUT_NAMES } from '../model/index.js';
import { runStep } from '../nn/index.js';
import type { Model } from '../model/index.js';
import type { SeededRandom } from '../../../shared/random/index.js';
import { SoftmaxObjective } from './softmax-objective.js';
import { ThesisObjective } from './thesis-objective.js';
import type { TrainConfig } from './train-config.js';
import type { StepLoss, TrainingObjective } from './training-objective.js';
import type { TrainingData } from './training-data.js';

/**
 * Computes the gradients of the configured objective for a slice of a batch into the model's
 * gradient buffers (they accumulate: zero them before a batch), after history dropout on the
 * users' inputs. Losses are scaled by 1/batchSize, so the slices of one batch on several
 * threads sum to the batch mean.
 */
export class GradientStep {
  private readonly objective: TrainingObjective;

  constructor(
    private readonly model: Model,
    private readonly data: TrainingData,
    private readonly config: TrainConfig,
  ) {
    this.objective = config.objective === 'softmax' ? new SoftmaxObjective(model, data, config) : new ThesisObjective(model, data, config);
  }

  /** Multiply-adds of the dense algebra in the last call (forward + backward). */
  get lastMacs(): number {
    return this.objective.lastMacs;
  }

  /** Gradients of `examples` (a slice of a batch of `batchSize`) under the configured objective. */
  run(examples: Int32Array, batchSize: number, rng: SeededRandom): StepLoss {
    const feed = this.data.userFeed(examples);
    if (this.config.historyDropout > 0) dropHistory(feed, this.model.shape.bagLength, this.config.historyDropout, rng);
    return runStep(() => this.objective.run(examples, feed, batchSize, rng));
  }
}

/** Input dropout on the history: drops bag entries at random and renormalises the weights. */
function dropHistory(feed: TensorMap, bag: number, rate: number, rng: SeededRandom): void {
  const weights = floatInput(feed, INPUT_NAMES.userBagWeights);
  const rows = weights.length / bag;
  for (let r = 0; r < rows; r++) {
    let kept = 0;
    const saved = weights.slice(r * bag, r * bag + bag);
    for (let n = 0; n < bag; n++) {
      if (weights[r * bag + n] !== 0 && rng.next() < rate) weights[r * bag + n] = 0;
      kept += weights[r * bag + n];
    }
    // Never empty a non-empty history completely: the profile must still say something.
    if (kept === 0) {
      weights.set(saved, r * bag);
      continue;
    }
    for (let n = 0; n < bag; n++) weights[r * bag + n] /= kept;
  }
}
