// Several fits of one model under different seeds: per-user values pooled over seeds, and the spread of the means.
import { METRIC_NAMES, RANKING_LENGTH, evaluateRankings } from './metrics.js';
import type { MetricName, PerUserMetrics } from './metrics.js';
import type { Ranker } from './recommender.js';
import type { HeldOut } from './split.js';

/** One seed's fit of one ranker, tested. */
export interface SeedRun {
  readonly seed: number;
  /** Means over test users of every metric. */
  readonly means: Readonly<Record<MetricName, number>>;
  readonly perUser: PerUserMetrics;
  readonly fitMs: number;
  readonly scoreMs: number;
}

/** Mean and sample standard deviation of one metric's per-seed means (sd 0 with one seed). */
export interface SeedSpread {
  readonly mean: number;
  readonly sd: number;
}

/** The seeds of a run: `first`, `first + 1`, … (`count` of them), so that `--seed` alone fixes all of them. */
export function runSeeds(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => first + k);
}

/** The runs of one ranker (a fit may return several, e.g. the deep model's forms), in seed order. */
export interface RankerRuns {
  readonly name: string;
  readonly runs: readonly SeedRun[];
}

/**
 * Fits once per seed (`fit(seed)`) and tests every ranker of each fit on `test`; the rankers
 * are matched across seeds by position. Seeds run one after another: a deep fit already uses
 * every core through its own worker threads, so parallel seeds would only compete for them
 * (single-threaded baselines run theirs at the same time through `seedsInWorkers`).
 */
export async function fitAndTestSeeds(seeds: readonly number[], fit: (seed: number) => Promise<readonly Ranker[]>, test: HeldOut): Promise<RankerRuns[]> {
  const out: { name: string; runs: SeedRun[] }[] = [];
  for (const seed of seeds) {
    const started = performance.now();
    const rankers = await fit(seed);
    const fitMs = performance.now() - started;
    for (const [k, ranker] of rankers.entries()) {
      const scoreStart = performance.now();
      const rankings = await ranker.recommend(test.users, RANKING_LENGTH);
      const scoreMs = performance.now() - scoreStart;
      const perUser = evaluateRankings(rankings, test);
      out[k] ??= { name: ranker.name, runs: [] };
      out[k].runs.push({ seed, means: metricMeans(perUser), perUser, fitMs, scoreMs });
    }
  }
  return out;
}

/** Every metric's mean over the test users of `perUser`. */
export function metricMeans(perUser: PerUserMetrics): Record<MetricName, number> {
  return Object.fromEntries(METRIC_NAMES.map((m) => [m, mean(perUser[m])])) as Record<MetricName, number>;
}

/**
 * Per-user values averaged over the seeds' runs (the users are the same in every run): the
 * "mean over seeds" model, whose user-level values a paired bootstrap can resample.
 */
export function poolSeedRuns(runs: readonly SeedRun[]): PerUserMetrics {
  if (runs.length === 0) throw new RangeError('poolSeedRuns: no runs');
  const out = Object.fromEntries(
    METRIC_NAMES.map((m) => {
      const pooled = new Float64Array(runs[0].perUser[m].length);
      for (const run of runs) for (let k = 0; k < pooled.length; k++) pooled[k] += run.perUser[m][k] / runs.length;
      return [m, pooled];
    }),
  );
  return out as PerUserMetrics;
}

/** Mean ± sample sd over seeds of every metric's mean. */
export function seedSpread(runs: readonly SeedRun[]): Record<MetricName, SeedSpread> {
  return Object.fromEntries(
    METRIC_NAMES.map((m) => {
      const values = Float64Array.from(runs, (r) => r.means[m]);
      const mu = mean(values);
      let squares = 0;
      for (const v of values) squares += (v - mu) ** 2;
      return [m, { mean: mu, sd: values.length > 1 ? Math.sqrt(squares / (values.length - 1)) : 0 }];
    }),
  ) as Record<MetricName, SeedSpread>;
}

function mean(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return values.length === 0 ? 0 : s / values.length;
}
