import assert from 'node:assert/strict';
import { loadDataset } from '../datasets/index.js';
import { ials } from './ials.js';
import type { Recommender } from './recommender.js';
import { fitAndTestSeeds } from './seed-runs.js';
import { seedsInWorkers } from './seeds-in-workers.js';
import { dedupeEarliest, splitInteractions } from './split.js';
import type { HeldOut } from './split.js';
import { buildTrainData } from './train-data.js';
import type { TrainData } from './train-data.js';

describe('seedsInWorkers', () => {
  const params = { factors: 8, alpha: 2, lambda: 20 };
  const context = { seed: 0, split: 'user' as const, progress: (): void => undefined };

  async function part(): Promise<{ train: TrainData; test: HeldOut }> {
    const dataset = await loadDataset('synthetic:tiny');
    const split = splitInteractions(dedupeEarliest(dataset.interactions), 'user');
    return { train: buildTrainData(split.train, dataset.interactions.userIds.length, dataset.items.ids.length), test: split.test };
  }

  it('gives every seed the fit it gets one after another in this thread, in seed order', async function () {
    // Worker threads compile the sources on start: slow on a loaded machine, not a timing check.
    this.timeout(120_000);
    const { train, test } = await part();
    const seeds = [3, 4, 5];
    const parallel = await seedsInWorkers('synthetic:tiny')(ials, params, seeds, train, test, context);
    const serial = await fitAndTestSeeds(seeds, (seed) => ials.fit(train, params, { ...context, seed }), test);
    assert.deepEqual(parallel.map((r) => r.name), ['iALS']);
    assert.deepEqual(parallel[0].runs.map((r) => r.seed), seeds);
    for (const [k, run] of parallel[0].runs.entries()) assert.deepEqual(run.perUser, serial[0].runs[k].perUser, `seed ${run.seed}`);
    assert.notDeepEqual(parallel[0].runs[0].perUser, parallel[0].runs[1].perUser, 'the seeds differ');
  });

  it('fails naming the baseline and seed when a worker cannot repeat the fit', async function () {
    this.timeout(120_000);
    const { train, test } = await part();
    const unknown: Recommender = { ...ials, name: 'Nonesuch' };
    await assert.rejects(seedsInWorkers('synthetic:tiny')(unknown, params, [1, 2], train, test, context), /Nonesuch, seed 2: .*no baseline named Nonesuch/s);
  });
});
