// Paired bootstrap over users for "model A vs model B" lines.
import { SeededRandom } from '../../../shared/random/index.js';

/** Enough resamples for stable 2.5 % / 97.5 % percentiles, and still milliseconds for a few thousand users. */
export const DEFAULT_BOOTSTRAP_SAMPLES = 2000;

/** A's mean relative to B's (mean_A / mean_B − 1) with its bootstrap confidence interval. */
export interface RelativeImprovement {
  readonly meanA: number;
  readonly meanB: number;
  readonly relative: number;
  readonly low: number;
  readonly high: number;
  readonly confidence: number;
  readonly samples: number;
  readonly seed: number;
}

/** Options of `pairedBootstrap`. */
export interface BootstrapOptions {
  readonly seed: number;
  readonly samples?: number;
  /** Two-sided coverage of the interval (default 0.95). */
  readonly confidence?: number;
}

/**
 * Resamples users with replacement, the same draw for A and B (the values are paired per user),
 * and takes percentile bounds of mean_A / mean_B − 1. Deterministic for a seed.
 */
export function pairedBootstrap(a: Float64Array, b: Float64Array, options: BootstrapOptions): RelativeImprovement {
  if (a.length !== b.length) throw new RangeError(`paired values differ in length: ${a.length} vs ${b.length}`);
  const samples = options.samples ?? DEFAULT_BOOTSTRAP_SAMPLES;
  const confidence = options.confidence ?? 0.95;
  const n = a.length;
  const meanA = mean(a);
  const meanB = mean(b);
  const rng = new SeededRandom(options.seed);
  const ratios = new Float64Array(samples);
  for (let s = 0; s < samples; s++) {
    let sumA = 0;
    let sumB = 0;
    for (let k = 0; k < n; k++) {
      const u = rng.int(n);
      sumA += a[u];
      sumB += b[u];
    }
    ratios[s] = sumB === 0 ? 0 : sumA / sumB - 1;
  }
  ratios.sort();
  const tail = (1 - confidence) / 2;
  return {
    meanA,
    meanB,
    relative: meanB === 0 ? 0 : meanA / meanB - 1,
    low: quantile(ratios, tail),
    high: quantile(ratios, 1 - tail),
    confidence,
    samples,
    seed: options.seed,
  };
}

function mean(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return values.length === 0 ? 0 : s / values.length;
}

/** Linear interpolation between order statistics of a sorted array. */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** A mean with its percentile bootstrap confidence interval over users. */
export interface MeanInterval {
  readonly mean: number;
  readonly low: number;
  readonly high: number;
}

/** Resamples the values with replacement and takes percentile bounds of their mean. Deterministic for a seed. */
export function bootstrapMean(values: Float64Array, options: BootstrapOptions): MeanInterval {
  const samples = options.samples ?? DEFAULT_BOOTSTRAP_SAMPLES;
  const tail = (1 - (options.confidence ?? 0.95)) / 2;
  const n = values.length;
  const rng = new SeededRandom(options.seed);
  const means = new Float64Array(samples);
  for (let s = 0; s < samples; s++) {
    let sum = 0;
    for (let k = 0; k < n; k++) sum += values[rng.int(n)];
    means[s] = n === 0 ? 0 : sum / n;
  }
  means.sort();
  return { mean: mean(values), low: quantile(means, tail), high: quantile(means, 1 - tail) };
}
