import { createModel } from '../model/index.js';
import type { Model } from '../model/index.js';
import { maxGradientError, zeroGrads } from '../nn/index.js';
import { SeededRandom } from '../../../shared/random/index.js';
import { toyTrainingData } from './toy-training-data.js';
import type { TrainingData } from './training-data.js';
import type { TrainingObjective } from './training-objective.js';

/** The toy problem of the gradient checks: small enough that central differences over every parameter take a second. */
const CHECK_DATA = { seed: 4, items: 12, clusters: 3, examples: 8, dim: 4 };

/**
 * Central-difference step: the cosine term curves hard for the toy model's short item vectors,
 * so that the layers' 1e-2 misjudges a right gradient by up to 20 % there; at 1e-3 every
 * parameter agrees within 1e-3, still far above float32 round-off.
 */
const CHECK_STEP = 1e-3;

/**
 * Checks an objective's gradients against central differences of its loss (main + aux) for
 * every parameter of a small model; returns the worst relative error per parameter. Every
 * evaluation draws the same samples (a fresh generator of one seed), so the loss is a
 * function of the weights alone.
 */
export function objectiveGradientErrors(create: (model: Model, data: TrainingData) => TrainingObjective): Map<string, number> {
  const data = toyTrainingData(CHECK_DATA);
  const model = createModel(data.shape, 1);
  // RankNet's output layer starts at zero; give it weights so that the towers' gradients through it show.
  const rng = new SeededRandom(2);
  const out = model.params.get('rank.out.w');
  if (out === undefined) throw new Error('the model has no rank.out.w');
  for (let i = 0; i < out.value.length; i++) out.value[i] = rng.normal() * 0.5;
  const objective = create(model, data);
  const examples = Int32Array.from({ length: CHECK_DATA.examples }, (_, e) => e);
  const loss = (): number => {
    zeroGrads(model.layout, model.buffers);
    const { main, aux } = objective.run(examples, data.userFeed(examples), examples.length, new SeededRandom(7));
    return main + aux;
  };
  loss();
  const analytic = new Map([...model.params].map(([name, p]) => [name, Float32Array.from(p.grad)]));
  const errors = new Map<string, number>();
  for (const [name, p] of model.params) errors.set(name, maxGradientError(p.value, analytic.get(name) ?? new Float32Array(0), loss, CHECK_STEP));
  return errors;
}
