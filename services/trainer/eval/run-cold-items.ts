// The cold-start items evaluation end to end: split, one fit per seed, metrics with intervals, comparisons.
import { bootstrapMean, pairedBootstrap } from './bootstrap.js';
import type { MeanInterval } from './bootstrap.js';
import type { ColdItemRecommender } from './cold-item-recommender.js';
import { coldItemsSplit, coldItemsStats, coldItemsValidation, withoutNewItemTags } from './cold-items-split.js';
import type { ColdItemsSplit, ColdItemsStats } from './cold-items-split.js';
import type { Dataset } from '../datasets/index.js';
import type { MetricName } from './metrics.js';
import { modelResult } from './run-evaluation.js';
import type { Comparison, ModelResult } from './run-evaluation.js';
import { fitAndTestSeeds, runSeeds } from './seed-runs.js';
import { dedupeEarliest } from './split.js';
import type { ItemOrder } from './split.js';
import { buildTrainData } from './train-data.js';

/** The metrics of the cold-start table, in column order. */
export const COLD_METRICS: readonly MetricName[] = ['recall@10', 'recall@20', 'map@10', 'ndcg@10'];
/** The metrics candidates are compared at: Recall@20 is the one the goals name, MAP@10 the protocol's headline. */
const COMPARED_COLD_METRICS: readonly MetricName[] = ['recall@20', 'map@10'];

/** The held-out parts of the cold-items split: validation (for tuning, carved from train) and test. */
export type ColdPart = 'validation' | 'test';

/** What the cold-start evaluation runs on and how. */
export interface ColdItemsInput {
  readonly dataset: Dataset;
  /** Item-id order of the catalog rows, for time ties in deduplication. */
  readonly itemOrder?: ItemOrder;
  /** Seed of the split, of the first fit and of the bootstrap. */
  readonly seed: number;
  /** Seeds stochastic models are fitted with (seed, seed + 1, …; default 1). */
  readonly seeds?: number;
  /** The parts to evaluate, in order (default validation then test). */
  readonly parts?: readonly ColdPart[];
  /** Reference models (feature popularity, random, LightFM hybrid). */
  readonly baselines: readonly ColdItemRecommender[];
  /** Models compared with every baseline (the deep model). */
  readonly candidates: readonly ColdItemRecommender[];
  /** Models of the main protocol that need an item's interactions to score it: listed as unable to. */
  readonly unable: readonly string[];
  readonly progress: (line: string) => void;
}

/** One ranker's cold-start result: ModelResult plus a bootstrap interval of each table metric. */
export interface ColdModelResult extends ModelResult {
  readonly intervals: Readonly<Partial<Record<MetricName, MeanInterval>>>;
}

/** One held-out part's split statistics, rows and comparisons. */
export interface ColdPartResult {
  readonly part: ColdPart;
  readonly stats: ColdItemsStats;
  readonly models: readonly ColdModelResult[];
  readonly comparisons: readonly Comparison[];
}

/** Everything the cold-start report shows. */
export interface ColdItemsResult {
  readonly seed: number;
  readonly seeds: readonly number[];
  readonly parts: readonly ColdPartResult[];
  readonly unable: readonly string[];
  readonly elapsedMs: number;
}

/** Runs the cold-start items protocol of docs/evaluation.md over the given models, on each part asked for. */
export async function runColdItemsEvaluation(input: ColdItemsInput): Promise<ColdItemsResult> {
  const started = performance.now();
  const numItems = input.dataset.items.ids.length;
  const events = dedupeEarliest(input.dataset.interactions, input.itemOrder);
  const test = coldItemsSplit(events, numItems, input.seed);
  const parts: ColdPartResult[] = [];
  for (const part of input.parts ?? ['validation', 'test']) {
    // The validation part lives inside the test part's train events, as the temporal splits' does.
    const split = part === 'test' ? test : coldItemsValidation(test, numItems, input.seed);
    const stats = coldItemsStats(part === 'test' ? events : test.train, numItems, split);
    parts.push(await runPart(input, part, split, stats));
  }
  return { seed: input.seed, seeds: runSeeds(input.seed, input.seeds ?? 1), parts, unable: input.unable, elapsedMs: performance.now() - started };
}

async function runPart(input: ColdItemsInput, part: ColdPart, split: ColdItemsSplit, stats: ColdItemsStats): Promise<ColdPartResult> {
  const { dataset, progress } = input;
  const numItems = dataset.items.ids.length;
  progress(`cold-items ${part}: ${stats.newItems} new of ${stats.eligibleItems} eligible items, ${stats.testUsers} held-out users, ${stats.testInteractions} held-out interactions`);
  const data = buildTrainData(split.train, dataset.interactions.userIds.length, numItems);
  const catalog = withoutNewItemTags(dataset, split.untagged).items;
  const models: ColdModelResult[] = [];
  for (const [recommender, baseline] of [...input.baselines.map((r) => [r, true] as const), ...input.candidates.map((r) => [r, false] as const)]) {
    const log = (line: string): void => progress(`${part} ${recommender.name}: ${line}`);
    const seeds = runSeeds(input.seed, recommender.stochastic === true ? (input.seeds ?? 1) : 1);
    const context = { split: 'user' as const, progress: log, catalog, newItems: split.newItems, untagged: split.untagged };
    const rankers = await fitAndTestSeeds(seeds, (seed) => recommender.fit(data, { ...context, seed }), split.heldOut);
    for (const r of rankers) {
      const result = modelResult(r.name, r.runs, recommender.name, baseline, {}, []);
      const intervals = Object.fromEntries(COLD_METRICS.map((m) => [m, bootstrapMean(result.perUser[m], { seed: input.seed })]));
      models.push({ ...result, intervals });
      log(`${r.name}: Recall@20 ${result.metrics['recall@20'].mean.toFixed(4)} over ${seeds.length} seed(s)`);
    }
  }
  const comparisons: Comparison[] = [];
  for (const a of models.filter((m) => !m.baseline)) {
    for (const b of models.filter((m) => m.baseline)) {
      for (const metric of COMPARED_COLD_METRICS) comparisons.push({ a: a.name, b: b.name, metric, result: pairedBootstrap(a.perUser[metric], b.perUser[metric], { seed: input.seed }) });
    }
  }
  return { part, stats, models, comparisons };
}
