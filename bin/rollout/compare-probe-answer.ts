import type { ProbeAnswerItem } from '../../shared/bundle/index.js';

/** How close a served answer must be to the bundle's reference answer. */
export interface ProbeTolerance {
  /** Share of the reference's items the served answer must hold: the shards' HNSW search is approximate, exact search is not. */
  readonly minOverlap: number;
  /** Largest |Δp| on an item both answers hold: the same networks give the same p up to float rounding. */
  readonly scoreTolerance: number;
}

export const DEFAULT_PROBE_TOLERANCE: ProbeTolerance = { minOverlap: 0.8, scoreTolerance: 0.001 };

/** What differs between a served answer and the reference, or undefined when it is close enough. */
export function compareProbeAnswer(reference: readonly ProbeAnswerItem[], served: readonly ProbeAnswerItem[], tolerance: ProbeTolerance): string | undefined {
  if (reference.length === 0) return served.length === 0 ? undefined : `${served.length} items served, the reference has none`;
  const servedScores = new Map(served.map((item) => [item.itemId, item.score]));
  let shared = 0;
  let worst: { itemId: string; delta: number } | undefined;
  for (const item of reference) {
    const score = servedScores.get(item.itemId);
    if (score === undefined) continue;
    shared++;
    const delta = Math.abs(score - item.score);
    if (worst === undefined || delta > worst.delta) worst = { itemId: item.itemId, delta };
  }
  const overlap = shared / reference.length;
  if (overlap < tolerance.minOverlap) return `top-${reference.length} overlap with the reference ${shared}/${reference.length} < ${tolerance.minOverlap}`;
  if (worst !== undefined && worst.delta > tolerance.scoreTolerance) return `score of ${worst.itemId} differs from the reference by ${worst.delta.toPrecision(3)} > ${tolerance.scoreTolerance}`;
  return undefined;
}
