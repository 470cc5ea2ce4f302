// The seeds of a stochastic baseline fitted at the same time: the first in this thread, the others in worker threads.
import { spawnWorker } from '../../../shared/workers/index.js';
import type { FitContext, Params, Recommender } from './recommender.js';
import { fitAndTestSeeds } from './seed-runs.js';
import type { RankerRuns } from './seed-runs.js';
import type { Events, HeldOut, SplitMode } from './split.js';
import type { TrainData } from './train-data.js';

/** What a worker needs to repeat one seed's fit: the baseline by name among `baselinesFor` the dataset loaded by name, and the exact train part. */
export interface BaselineSeedTask {
  /** The `--data` spec the dataset is loaded from. */
  readonly data: string;
  readonly name: string;
  readonly params: Params;
  readonly seed: number;
  readonly split: SplitMode;
  readonly train: Events;
  readonly numUsers: number;
  readonly numItems: number;
  readonly test: HeldOut;
}

/** Fits and tests `recommender` once per seed on `train` (see fitAndTestSeeds), seeds in parallel. */
export type SeedsRunner = (recommender: Recommender, params: Params, seeds: readonly number[], train: TrainData, test: HeldOut, context: FitContext) => Promise<RankerRuns[]>;

type Reply = { ok: true; runs: RankerRuns[] } | { ok: false; error: string };

/**
 * A SeedsRunner for the baselines of `baselinesFor` the dataset named `data`: every seed but
 * the first is fitted in a worker thread of its own while this thread fits the first. A
 * baseline's fits are single-threaded, so on a 2-core machine its three seeds take about
 * half the time of one after the other; each seed's fit is the one it would be alone (the
 * worker rebuilds the same train matrix and features), so the figures do not change.
 */
export function seedsInWorkers(data: string): SeedsRunner {
  return async (recommender, params, seeds, train, test, context) => {
    const others = seeds.slice(1).map((seed) =>
      inWorker({ data, name: recommender.name, params, seed, split: context.split, train: train.events, numUsers: train.numUsers, numItems: train.numItems, test }),
    );
    // A failed worker must not leave the others' rejections unobserved while this thread fits.
    const settled = Promise.allSettled(others);
    const first = await fitAndTestSeeds(seeds.slice(0, 1), (seed) => recommender.fit(train, params, { ...context, seed }), test);
    const rest = await settled;
    const runs = rest.map((r) => {
      if (r.status === 'rejected') throw r.reason instanceof Error ? r.reason : new Error(String(r.reason));
      return r.value;
    });
    // Rankers match by position across seeds, as in fitAndTestSeeds.
    return first.map((ranker, k) => ({ name: ranker.name, runs: [...ranker.runs, ...runs.flatMap((r) => r[k].runs)] }));
  };
}

function inWorker(task: BaselineSeedTask): Promise<RankerRuns[]> {
  const worker = spawnWorker(import.meta.url, 'baseline-seed-worker', { workerData: task });
  return new Promise<RankerRuns[]>((resolve, reject) => {
    worker.once('message', (reply: Reply) => (reply.ok ? resolve(reply.runs) : reject(new Error(`${task.name}, seed ${task.seed}: ${reply.error}`))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`${task.name}, seed ${task.seed}: the worker exited with code ${code} before it replied`)));
  }).finally(() => void worker.terminate());
}
