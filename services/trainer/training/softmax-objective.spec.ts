import assert from 'node:assert/strict';
import { SeededRandom } from '../../../shared/random/index.js';
import { AliasTable } from './negative-sampler.js';
import { objectiveGradientErrors } from './objective-gradient-check.js';
import { SoftmaxObjective, candidateWeights } from './softmax-objective.js';
import { resolveTrainConfig } from './train-config.js';
import type { TrainConfig } from './train-config.js';

/** Gradient-check settings: RankNet attached to the towers, so that its gradient reaches every parameter. */
const CASES: Array<[string, Partial<TrainConfig>]> = [
  ['sampled candidates, log-Q corrected, listwise RankNet', { sampledCandidates: 5, rankDetach: false }],
  ['sampled candidates from the train items only', { sampledCandidates: 5, candidatePool: 'train', rankDetach: false }],
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

  it('draws extra candidates among all items, or only among those with training events', () => {
    const counts = Float64Array.of(3, 0, 1, 0);
    assert.deepEqual([...candidateWeights(counts, 'catalog')], [1, 1, 1, 1]);
    assert.deepEqual([...candidateWeights(counts, 'train')], [1, 0, 1, 0]);
    // Through the sampler: rows without events are never drawn, whatever the rounding of n / pool.
    const many = Float64Array.from({ length: 977 }, (_, r) => (r % 13 === 0 ? r + 1 : 0));
    const sampler = new AliasTable(candidateWeights(many, 'train'));
    const rng = new SeededRandom(7);
    for (let k = 0; k < 20000; k++) assert.ok(many[sampler.sample(rng)] > 0);
  });
});
