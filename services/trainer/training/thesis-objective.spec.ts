import assert from 'node:assert/strict';
import { objectiveGradientErrors } from './objective-gradient-check.js';
import { ThesisObjective } from './thesis-objective.js';
import { resolveTrainConfig } from './train-config.js';

describe('ThesisObjective', () => {
  for (const negSampler of ['uniform', 'category'] as const) {
    it(`has the numerical gradient for every parameter (BCE + cosine term, ${negSampler} negatives)`, () => {
      const config = resolveTrainConfig({ objective: 'thesis', dim: 4, negRatio: 2, lambda: 0.5, negSampler });
      const errors = objectiveGradientErrors((model, data) => new ThesisObjective(model, data, config));
      assert.ok(errors.size > 0);
      for (const [name, error] of errors) assert.ok(error < 2e-2, `${name}: relative gradient error ${error}`);
    });
  }
});
