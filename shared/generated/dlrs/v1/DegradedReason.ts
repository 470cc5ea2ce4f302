// Original file: proto/dlrs/v1/recommender.proto

/**
 * Why an answer is degraded.
 */
export const DegradedReason = {
  /**
   * Not degraded.
   */
  DEGRADED_REASON_UNSPECIFIED: 'DEGRADED_REASON_UNSPECIFIED',
  /**
   * Ranking was unavailable, overloaded or too slow: items are in retrieval order.
   */
  RANKING_UNAVAILABLE: 'RANKING_UNAVAILABLE',
  /**
   * One or more retrieval shards did not answer: candidates come from the others.
   */
  SHARD_UNAVAILABLE: 'SHARD_UNAVAILABLE',
  /**
   * Unknown user without context: the most popular items.
   */
  POPULAR_FALLBACK: 'POPULAR_FALLBACK',
} as const;

/**
 * Why an answer is degraded.
 */
export type DegradedReason =
  /**
   * Not degraded.
   */
  | 'DEGRADED_REASON_UNSPECIFIED'
  | 0
  /**
   * Ranking was unavailable, overloaded or too slow: items are in retrieval order.
   */
  | 'RANKING_UNAVAILABLE'
  | 1
  /**
   * One or more retrieval shards did not answer: candidates come from the others.
   */
  | 'SHARD_UNAVAILABLE'
  | 2
  /**
   * Unknown user without context: the most popular items.
   */
  | 'POPULAR_FALLBACK'
  | 3

/**
 * Why an answer is degraded.
 */
export type DegradedReason__Output = typeof DegradedReason[keyof typeof DegradedReason]
