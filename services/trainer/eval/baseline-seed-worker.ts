// A worker thread that fits one seed of a stochastic baseline on a train part and tests it (see seedsInWorkers).
import { parentPort, workerData } from 'node:worker_threads';
import { loadDataset } from '../datasets/index.js';
import { baselinesFor } from './baselines.js';
import type { BaselineSeedTask } from './seeds-in-workers.js';
import { fitAndTestSeeds } from './seed-runs.js';
import type { RankerRuns } from './seed-runs.js';
import { buildTrainData } from './train-data.js';

const port = parentPort;
if (port === null) throw new Error('baseline-seed-worker must run in a worker thread');
const task = workerData as BaselineSeedTask;

async function run(): Promise<RankerRuns[]> {
  // The dataset by name (the hybrid reads its features); the train part exactly as the caller's.
  const dataset = await loadDataset(task.data);
  const recommender = baselinesFor(dataset).find((r) => r.name === task.name);
  if (recommender === undefined) throw new Error(`no baseline named ${task.name}`);
  const train = buildTrainData(task.train, task.numUsers, task.numItems);
  const context = { seed: task.seed, split: task.split, progress: (): void => undefined };
  return fitAndTestSeeds([task.seed], () => recommender.fit(train, task.params, context), task.test);
}

run().then(
  (runs) => port.postMessage({ ok: true, runs }),
  (error: unknown) => port.postMessage({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
);
