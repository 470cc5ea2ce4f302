// The protocol end to end: split, validation tuning, refit on all of train, test metrics, comparisons.
import { pairedBootstrap } from './bootstrap.js';
import type { RelativeImprovement } from './bootstrap.js';
import { RANKING_LENGTH, evaluateRankings, summarizeMetrics } from './metrics.js';
import type { MeanWithError, MetricName, PerUserMetrics } from './metrics.js';
import type { Params, Ranker, Recommender } from './recommender.js';
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
  readonly seed: number;
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
  /** Time of the final fit on all of train (shared by the rankers of one fit). */
  readonly fitMs: number;
  /** Time to rank all items for every test user. */
  readonly scoreMs: number;
  readonly metrics: Record<MetricName, MeanWithError>;
  readonly perUser: PerUserMetrics;
}

/** "A vs B" at one metric, paired over test users. */
export interface Comparison {
  readonly a: string;
  readonly b: string;
  readonly metric: MetricName;
  readonly result: RelativeImprovement;
}

/** Everything a report shows. */
export interface EvaluationResult {
  readonly split: SplitMode;
  readonly heldOut: HeldOutPart;
  readonly seed: number;
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

/** Runs the protocol of ../shared/docs/evaluation.md over the given models. */
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
  const start = performance.now();
  const rankers = await recommender.fit(full.data, chosen, context);
  const fitMs = performance.now() - start;
  const results: ModelResult[] = [];
  for (const ranker of rankers) results.push(await testRanker(ranker, recommender.name, baseline, chosen, tuning, fitMs, full.test));
  context.progress(`chosen ${JSON.stringify(chosen)}, fit ${(fitMs / 1000).toFixed(1)} s, test MAP@10 ${results.map((r) => `${r.name} ${r.metrics['map@10'].mean.toFixed(4)}`).join(', ')}`);
  return results;
}

async function testRanker(
  ranker: Ranker,
  family: string,
  baseline: boolean,
  params: Params,
  tuning: readonly TuningPoint[],
  fitMs: number,
  test: HeldOut,
): Promise<ModelResult> {
  const start = performance.now();
  const rankings = await ranker.recommend(test.users, RANKING_LENGTH);
  const scoreMs = performance.now() - start;
  const perUser = evaluateRankings(rankings, test);
  return { name: ranker.name, family, baseline, params, tuning, fitMs, scoreMs, metrics: summarizeMetrics(perUser), perUser };
}
