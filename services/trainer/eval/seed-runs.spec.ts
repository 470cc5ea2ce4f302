import assert from 'node:assert/strict';
import { METRIC_NAMES } from './metrics.js';
import type { PerUserMetrics } from './metrics.js';
import { metricMeans, poolSeedRuns, runSeeds, seedSpread } from './seed-runs.js';
import type { SeedRun } from './seed-runs.js';

function run(seed: number, values: number[]): SeedRun {
  const perUser = Object.fromEntries(METRIC_NAMES.map((m) => [m, Float64Array.from(values)])) as PerUserMetrics;
  return { seed, perUser, means: metricMeans(perUser), fitMs: 0, scoreMs: 0 };
}

describe('eval seed runs', () => {
  it('pools per-user values over seeds and gives mean ± sd of the seeds\' means', () => {
    const runs = [run(1, [0, 0.2]), run(2, [0.2, 0.2]), run(3, [0.4, 0.2])];
    assert.deepEqual([...poolSeedRuns(runs)['map@10']].map((v) => v.toFixed(6)), ['0.200000', '0.200000']);
    const spread = seedSpread(runs)['map@10'];
    assert.ok(Math.abs(spread.mean - 0.2) < 1e-12);
    // Means 0.1, 0.2, 0.3: sample sd 0.1.
    assert.ok(Math.abs(spread.sd - 0.1) < 1e-12);
    assert.equal(seedSpread([runs[0]])['map@10'].sd, 0);
    assert.deepEqual(runSeeds(42, 3), [42, 43, 44]);
  });
});
