import assert from 'node:assert/strict';
import { objectiveGradientErrors } from './objective-gradient-check.js';
import { SoftmaxObjective } from './softmax-objective.js';
import { resolveTrainConfig } from './train-config.js';
import type { TrainConfig } from './train-config.js';

/** Gradient-check settings: RankNet attached to the towers, so that its gradient reaches every parameter. */
const CASES: Array<[string, Partial<TrainConfig>]> = [
  ['sampled candidates, log-Q corrected, listwise RankNet', { sampledCandidates: 5, rankDetach: false }],
  ['full softmax', { fullSoftmax: true, sampledCandidates: 0, rankDetach: false }],
];

describe('SoftmaxObjective', () => {
  for (const [label, partial] of CASES) {
    it(`has the numerical gradient for every parameter (${label})`, () => {
      const config = resolveTrainConfig({ dim: 4, negRatio: 2, ...partial });
      const errors = objectiveGradientErrors((model, data) => new SoftmaxObjective(model, data, config));
      assert.ok(errors.size > 0);
      for (const [name, error] of errors) assert.ok(error < 2e-2, `${name}: relative gradient error ${error}`);
    });
  }
});
