// The offline evaluation: protocol, baselines and report, for `dlrs eval` and the trainer's deep model.
export { BASELINES } from './baselines.js';
export { DEFAULT_BOOTSTRAP_SAMPLES, pairedBootstrap } from './bootstrap.js';
export type { BootstrapOptions, RelativeImprovement } from './bootstrap.js';
export { MAP_CUTOFFS, METRIC_NAMES, RANKING_LENGTH, averagePrecisionAt, evaluateRankings, meanWithError, ndcgAt, recallAt, summarizeMetrics } from './metrics.js';
export type { MeanWithError, MetricName, PerUserMetrics } from './metrics.js';
export type { FitContext, Params, Ranker, Recommender } from './recommender.js';
export { runEvaluation } from './run-evaluation.js';
export type { Comparison, EvaluationInput, EvaluationResult, ModelResult, TuningPoint } from './run-evaluation.js';
export { factorScorer, scoreRanker } from './score-ranker.js';
export type { UserScorer } from './score-ranker.js';
export { dedupeEarliest, heldOutFrom, heldOutItems, itemIdOrder, splitInteractions, splitStats, testCount } from './split.js';
export type { Events, HeldOut, InteractionLog, ItemOrder, Split, SplitMode, SplitStats } from './split.js';
export { InnerProductIndex } from './inner-product-index.js';
export { topK } from './top-k.js';
export { buildTrainData, rowOf } from './train-data.js';
export type { Csr, TrainData } from './train-data.js';
export { writeReport, REPORT_FILES } from './write-report.js';
