// The protocol end to end: split, validation tuning, refit on all of train, test metrics, comparisons.
import { pairedBootstrap } from './bootstrap.js';
import type { RelativeImprovement } from './bootstrap.js';
import { RANKING_LENGTH, evaluateRankings, summarizeMetrics } from './metrics.js';
import type { MeanWithError, MetricName, PerUserMetrics } from './metrics.js';
import type { Params, Recommender } from './recommender.js';
import { fitAndTestSeeds, poolSeedRuns, runSeeds, seedSpread } from './seed-runs.js';
import type { SeedRun, SeedSpread } from './seed-runs.js';
import type { SeedsRunner } from './seeds-in-workers.js';
import { dedupeEarliest, splitInteractions, splitStats } from './split.js';
import type { HeldOut, InteractionLog, ItemOrder, SplitMode, SplitStats } from './split.js';
import { groupMean, returningUsers } from './returning-users.js';
import { buildTrainData } from './train-data.js';
import type { TrainData } from './train-data.js';

/** What the evaluation runs on and how. */
export interface EvaluationInput {
  readonly log: InteractionLog;
  readonly numUsers: number;
  readonly numItems: number;
  readonly split: SplitMode;
  /** Item-id order of the catalog rows, for time ties (default: row order). */
  readonly itemOrder?: ItemOrder;
  /** The first seed: of the tuning fits, the first final fit and the bootstrap. */
  readonly seed: number;
  /**
   * How many seeds (seed, seed + 1, …) stochastic models are fitted with on all of train
   * (default 1); deterministic ones are fitted once.
   */
  readonly seeds?: number;
  /**
   * 'test' (default): the protocol. 'validation': a tuning run that never reads test — the
   * test part is dropped and the protocol runs on train alone, so "test" below means the
   * validation part and the models tune on a validation split inside it.
   */
  readonly heldOut?: HeldOutPart;
  /** The models the protocol compares against (Popularity, MF, PureSVD, EASE). */
  readonly baselines: readonly Recommender[];
  /** Further models, each compared with the best baseline (the deep model's forms). */
  readonly candidates: readonly Recommender[];
  /**
   * Fits a stochastic baseline's seeds on all of train (e.g. `seedsInWorkers`, at the same
   * time); default: one after another in this thread. The deep candidates use every core
   * already and always run one after another.
   */
  readonly seedsRunner?: SeedsRunner;
  readonly progress: (line: string) => void;
}

/** Which part the reported metrics are measured on (see EvaluationInput.heldOut). */
export type HeldOutPart = 'test' | 'validation';

/** One grid point's validation result. */
export interface TuningPoint {
  readonly params: Params;
  readonly validationMap10: number;
  readonly fitMs: number;
}

/** One ranker's test result. */
export interface ModelResult {
  readonly name: string;
  readonly family: string;
  readonly baseline: boolean;
  readonly params: Params;
  readonly tuning: readonly TuningPoint[];
  /** Time of a final fit on all of train (shared by the rankers of one fit), mean over seeds. */
  readonly fitMs: number;
  /** Time to rank all items for every test user, mean over seeds. */
  readonly scoreMs: number;
  /** Over the per-user values averaged across seeds: the mean over seeds, ± its standard error over users. */
  readonly metrics: Record<MetricName, MeanWithError>;
  /** Per-user values averaged across seeds (one seed: that seed's values). */
  readonly perUser: PerUserMetrics;
  /** Every seed's final fit, in seed order (one entry for a deterministic model). */
  readonly seeds: readonly SeedRun[];
  /** Mean ± standard deviation over seeds of each metric's mean. */
  readonly spread: Record<MetricName, SeedSpread>;
}

/** "A vs B" at one metric, paired over test users. */
export interface Comparison {
  readonly a: string;
  readonly b: string;
  readonly metric: MetricName;
  /**
   * The seed whose fits are compared (B's fit of the same seed when B is stochastic, its only
   * fit otherwise); undefined: pooled, the per-user values averaged over seeds.
   */
  readonly seed?: number;
  readonly result: RelativeImprovement;
}

/** Everything a report shows. */
export interface EvaluationResult {
  readonly split: SplitMode;
  readonly heldOut: HeldOutPart;
  readonly seed: number;
  /** The seeds stochastic models were fitted with. */
  readonly seeds: readonly number[];
  readonly test: SplitStats;
  readonly validation: SplitStats;
  readonly models: readonly ModelResult[];
  readonly bestBaseline: string;
  /**
   * Test users who return after a gap (some held-out event more than a day after their last
   * train event) against those who continue their last session: counts and each model's MAP@10.
   */
  readonly visits: VisitBreakdown;
  readonly comparisons: readonly Comparison[];
  /** Wall time of the whole run: splits, tuning, final fits and scoring. */
  readonly elapsedMs: number;
}

/** MAP@10 of every model on returning and continuing test users (see `returningUsers`). */
export interface VisitBreakdown {
  readonly returningUsers: number;
  readonly continuingUsers: number;
  readonly map10: readonly { readonly name: string; readonly returning: number; readonly continuing: number }[];
}

/** The metrics every comparison line reports. */
const COMPARED_METRICS: readonly MetricName[] = ['map@5', 'map@10'];
/** The metric validation tunes on: the one the thesis headlines. */
const TUNING_METRIC: MetricName = 'map@10';

/** The metric the per-seed comparisons report (the pooled ones report COMPARED_METRICS). */
const PER_SEED_METRIC: MetricName = 'map@10';

/** Runs the protocol of docs/evaluation.md over the given models. */
export async function runEvaluation(input: EvaluationInput): Promise<EvaluationResult> {
  const { progress } = input;
  const started = performance.now();
  const heldOut = input.heldOut ?? 'test';
  const all = dedupeEarliest(input.log, input.itemOrder);
  const events = heldOut === 'test' ? all : splitInteractions(all, input.split, input.itemOrder).train;
  const testSplit = splitInteractions(events, input.split, input.itemOrder);
  const validationSplit = splitInteractions(testSplit.train, input.split, input.itemOrder);
  const full = { data: buildTrainData(testSplit.train, input.numUsers, input.numItems), test: testSplit.test };
  const validation = { data: buildTrainData(validationSplit.train, input.numUsers, input.numItems), test: validationSplit.test };
  const testStats = splitStats(events, testSplit);
  const validationStats = splitStats(testSplit.train, validationSplit);
  progress(`split ${input.split}, held out ${heldOut}: ${testStats.testUsers} test users, ${testStats.testInteractions} test interactions; validation ${validationStats.testUsers} users`);

  const models: ModelResult[] = [];
  for (const [recommender, baseline] of [
    ...input.baselines.map((r) => [r, true] as const),
    ...input.candidates.map((r) => [r, false] as const),
  ]) {
    models.push(...(await tuneAndTest(recommender, baseline, validation, full, input)));
  }

  const baselines = models.filter((m) => m.baseline);
  const best = baselines.length === 0 ? undefined : baselines.reduce((a, b) => (b.metrics['map@10'].mean > a.metrics['map@10'].mean ? b : a));
  const comparisons: Comparison[] = [];
  for (const model of models) {
    if (best === undefined || model === best) continue;
    for (const metric of COMPARED_METRICS) {
      const result = pairedBootstrap(model.perUser[metric], best.perUser[metric], { seed: input.seed });
      comparisons.push({ a: model.name, b: best.name, metric, result });
    }
    // Per seed: each candidate family's first (tuned) form, so that the table stays readable.
    if (model.baseline || model.seeds.length < 2 || models.find((m) => m.family === model.family) !== model) continue;
    for (const run of model.seeds) {
      const other = best.seeds.find((r) => r.seed === run.seed) ?? best.seeds[0];
      const result = pairedBootstrap(run.perUser[PER_SEED_METRIC], other.perUser[PER_SEED_METRIC], { seed: input.seed });
      comparisons.push({ a: model.name, b: best.name, metric: PER_SEED_METRIC, seed: run.seed, result });
    }
  }
  const returning = returningUsers(events, testSplit.train, testSplit.test);
  const visits: VisitBreakdown = {
    returningUsers: returning.reduce((a, b) => a + b, 0),
    continuingUsers: returning.length - returning.reduce((a, b) => a + b, 0),
    map10: models.map((m) => ({ name: m.name, returning: groupMean(m.perUser['map@10'], returning, 1), continuing: groupMean(m.perUser['map@10'], returning, 0) })),
  };
  return {
    split: input.split,
    heldOut,
    visits,
    seed: input.seed,
    seeds: runSeeds(input.seed, input.seeds ?? 1),
    test: testStats,
    validation: validationStats,
    models,
    bestBaseline: best?.name ?? '',
    comparisons,
    elapsedMs: performance.now() - started,
  };
}

interface Part {
  readonly data: TrainData;
  readonly test: HeldOut;
}

async function tuneAndTest(recommender: Recommender, baseline: boolean, validation: Part, full: Part, input: EvaluationInput): Promise<ModelResult[]> {
  const started = performance.now();
  const context = { seed: input.seed, split: input.split, progress: (line: string) => input.progress(`${recommender.name}: ${line}`) };
  const tuning: TuningPoint[] = [];
  let chosen = recommender.grid[0];
  if (recommender.grid.length > 1) {
    let bestMap = -1;
    for (const params of recommender.grid) {
      const start = performance.now();
      const [ranker] = await recommender.fit(validation.data, params, context);
      const fitMs = performance.now() - start;
      const perUser = evaluateRankings(await ranker.recommend(validation.test.users, RANKING_LENGTH), validation.test);
      const validationMap10 = summarizeMetrics(perUser)[TUNING_METRIC].mean;
      tuning.push({ params, validationMap10, fitMs });
      context.progress(`validation ${JSON.stringify(params)} MAP@10 ${validationMap10.toFixed(4)} (fit ${(fitMs / 1000).toFixed(1)} s)`);
      if (validationMap10 > bestMap) {
        bestMap = validationMap10;
        chosen = params;
      }
    }
  }
  // Deterministic models are fitted once; stochastic ones once per seed of the run.
  const seeds = runSeeds(input.seed, recommender.stochastic === true ? (input.seeds ?? 1) : 1);
  const rankers =
    baseline && seeds.length > 1 && input.seedsRunner !== undefined
      ? await input.seedsRunner(recommender, chosen, seeds, full.data, full.test, context)
      : await fitAndTestSeeds(seeds, (seed) => recommender.fit(full.data, chosen, { ...context, seed }), full.test);
  const results = rankers.map((r) => modelResult(r.name, r.runs, recommender.name, baseline, chosen, tuning));
  const total = (performance.now() - started) / 1000;
  context.progress(`chosen ${JSON.stringify(chosen)}, ${seeds.length} seed(s), fit ${(results[0].fitMs / 1000).toFixed(1)} s, ${total.toFixed(0)} s in all, test MAP@10 ${results.map((r) => `${r.name} ${r.metrics['map@10'].mean.toFixed(4)}`).join(', ')}`);
  return results;
}

/** One ranker's result over its seed runs (see ModelResult). */
export function modelResult(name: string, runs: readonly SeedRun[], family: string, baseline: boolean, params: Params, tuning: readonly TuningPoint[]): ModelResult {
  const perUser = poolSeedRuns(runs);
  const meanOf = (f: (r: SeedRun) => number): number => runs.reduce((a, r) => a + f(r), 0) / runs.length;
  return {
    name,
    family,
    baseline,
    params,
    tuning,
    fitMs: meanOf((r) => r.fitMs),
    scoreMs: meanOf((r) => r.scoreMs),
    metrics: summarizeMetrics(perUser),
    perUser,
    seeds: runs,
    spread: seedSpread(runs),
  };
}
