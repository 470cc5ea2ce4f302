import type { RecommenderClient } from '../../shared/generated/dlrs/v1/Recommender.js';
import { recommend } from './recommender-calls.js';
import { TOP_K } from './show-recommendations.js';

/** Options of {@link runBurst}. */
export interface BurstOptions {
  /** Users to recommend for, round robin (their histories are recorded). */
  userIds: string[];
  requests: number;
  concurrency: number;
  /** No new call starts after this long: the burst ends on time on a slow machine. */
  maxDurationMs: number;
  /** Candidates retrieved per call, the gateway's default. */
  candidates: number;
  signal: AbortSignal;
}

/** What a burst measured. */
export interface BurstResult {
  /** Calls that answered. */
  completed: number;
  errors: number;
  degraded: number;
  /** Of the answered calls, ms. */
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  wallMs: number;
  requestsPerSecond: number;
  /** The first error message, when there were errors. */
  firstError?: string;
}

/** The q-quantile (0 < q ≤ 1) of sorted values, nearest rank; NaN when empty. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * A closed-loop burst: `concurrency` callers, each sending its next Recommend when the last
 * answered, until `requests` calls were made or `maxDurationMs` passed. Latency is from send
 * to answer, as the client sees it.
 */
export async function runBurst(client: RecommenderClient, options: BurstOptions): Promise<BurstResult> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  let degraded = 0;
  let firstError: string | undefined;
  const startedMs = performance.now();
  const endMs = startedMs + options.maxDurationMs;
  const caller = async (): Promise<void> => {
    while (next < options.requests && performance.now() < endMs && !options.signal.aborted) {
      const n = next++;
      const sentMs = performance.now();
      try {
        const response = await recommend(client, { requestId: `burst-${n}`, userId: options.userIds[n % options.userIds.length], k: TOP_K, candidates: options.candidates });
        latencies.push(performance.now() - sentMs);
        if (response.degraded) degraded++;
      } catch (error) {
        errors++;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, caller));
  const wallMs = performance.now() - startedMs;
  latencies.sort((a, b) => a - b);
  return {
    completed: latencies.length,
    errors,
    degraded,
    p50Ms: quantile(latencies, 0.5),
    p90Ms: quantile(latencies, 0.9),
    p99Ms: quantile(latencies, 0.99),
    wallMs,
    requestsPerSecond: (latencies.length / wallMs) * 1000,
    ...(firstError === undefined ? {} : { firstError }),
  };
}
