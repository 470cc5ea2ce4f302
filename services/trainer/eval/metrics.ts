// Ranking metrics of the offline evaluation protocol (docs/evaluation.md, "Ranking and metrics").
import { heldOutItems } from './split.js';
import type { HeldOut } from './split.js';

/** The cut-offs of MAP@k the thesis reports. */
export const MAP_CUTOFFS = [1, 5, 10, 30, 100] as const;
/** Every metric a report carries, in table order. */
export const METRIC_NAMES = ['map@1', 'map@5', 'map@10', 'map@30', 'map@100', 'recall@10', 'recall@20', 'recall@100', 'ndcg@10'] as const;
/** One metric's name, e.g. `map@10`. */
export type MetricName = (typeof METRIC_NAMES)[number];
/** How many items a model returns per user: the largest cut-off. */
export const RANKING_LENGTH = 100;

/** AP@k = (1 / min(k, |R|)) · Σ_{i ≤ k} P@i · rel_i; 0 when R is empty. */
export function averagePrecisionAt(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  const denominator = Math.min(k, relevant.size);
  if (denominator === 0) return 0;
  let hits = 0;
  let sum = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) {
    if (!relevant.has(ranked[i])) continue;
    hits++;
    sum += hits / (i + 1);
  }
  return sum / denominator;
}

/** Recall@k = |L[1..k] ∩ R| / |R|; 0 when R is empty. */
export function recallAt(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  return hitsAt(ranked, relevant, k) / relevant.size;
}

/** NDCG@k with binary gains; the ideal DCG places min(k, |R|) hits first. */
export function ndcgAt(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  const idealHits = Math.min(k, relevant.size);
  if (idealHits === 0) return 0;
  let dcg = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) if (relevant.has(ranked[i])) dcg += 1 / Math.log2(i + 2);
  let ideal = 0;
  for (let i = 0; i < idealHits; i++) ideal += 1 / Math.log2(i + 2);
  return dcg / ideal;
}

function hitsAt(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  let hits = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) if (relevant.has(ranked[i])) hits++;
  return hits;
}

/** Every metric for every test user, aligned with `HeldOut.users`, so that paired statistics can be taken. */
export type PerUserMetrics = Readonly<Record<MetricName, Float64Array>>;

/** Scores `rankings[k]` (the ranked list of `test.users[k]`) against the held-out items. */
export function evaluateRankings(rankings: readonly ArrayLike<number>[], test: HeldOut): PerUserMetrics {
  const n = test.users.length;
  if (rankings.length !== n) throw new RangeError(`rankings has ${rankings.length} lists for ${n} test users`);
  const out = Object.fromEntries(METRIC_NAMES.map((m) => [m, new Float64Array(n)])) as Record<MetricName, Float64Array>;
  for (let k = 0; k < n; k++) {
    const relevant = new Set(heldOutItems(test, k));
    const ranked = rankings[k];
    for (const c of MAP_CUTOFFS) out[`map@${c}`][k] = averagePrecisionAt(ranked, relevant, c);
    out['recall@10'][k] = recallAt(ranked, relevant, 10);
    out['recall@20'][k] = recallAt(ranked, relevant, 20);
    out['recall@100'][k] = recallAt(ranked, relevant, 100);
    out['ndcg@10'][k] = ndcgAt(ranked, relevant, 10);
  }
  return out;
}

/** A metric's mean over users and the standard error of that mean. */
export interface MeanWithError {
  readonly mean: number;
  readonly standardError: number;
}

/** Mean and standard error (sample standard deviation / √n) of per-user values. */
export function meanWithError(values: Float64Array): MeanWithError {
  const n = values.length;
  if (n === 0) return { mean: 0, standardError: 0 };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n === 1) return { mean, standardError: 0 };
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, standardError: Math.sqrt(squares / (n - 1) / n) };
}

/** Mean and standard error of every metric. */
export function summarizeMetrics(perUser: PerUserMetrics): Record<MetricName, MeanWithError> {
  return Object.fromEntries(METRIC_NAMES.map((m) => [m, meanWithError(perUser[m])])) as Record<MetricName, MeanWithError>;
}
