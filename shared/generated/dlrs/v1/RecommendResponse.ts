// Original file: proto/dlrs/v1/recommender.proto

import type { Recommendation as _dlrs_v1_Recommendation, Recommendation__Output as _dlrs_v1_Recommendation__Output } from '../../dlrs/v1/Recommendation.js';
import type { DegradedReason as _dlrs_v1_DegradedReason, DegradedReason__Output as _dlrs_v1_DegradedReason__Output } from '../../dlrs/v1/DegradedReason.js';

/**
 * A recommendation answer.
 */
export interface RecommendResponse {
  /**
   * The request's correlation id.
   */
  'requestId'?: (string);
  /**
   * The items, best first; fewer than k only when fewer items match.
   */
  'items'?: (_dlrs_v1_Recommendation)[];
  /**
   * The model version that produced the answer.
   */
  'modelVersion'?: (string);
  /**
   * True when a fallback was used; the reasons say which.
   */
  'degraded'?: (boolean);
  /**
   * The fallbacks used.
   */
  'degradedReasons'?: (_dlrs_v1_DegradedReason)[];
  /**
   * A human-readable detail of the fallbacks (e.g. which shard).
   */
  'degradedDetail'?: (string);
}

/**
 * A recommendation answer.
 */
export interface RecommendResponse__Output {
  /**
   * The request's correlation id.
   */
  'requestId': (string);
  /**
   * The items, best first; fewer than k only when fewer items match.
   */
  'items': (_dlrs_v1_Recommendation__Output)[];
  /**
   * The model version that produced the answer.
   */
  'modelVersion': (string);
  /**
   * True when a fallback was used; the reasons say which.
   */
  'degraded': (boolean);
  /**
   * The fallbacks used.
   */
  'degradedReasons': (_dlrs_v1_DegradedReason__Output)[];
  /**
   * A human-readable detail of the fallbacks (e.g. which shard).
   */
  'degradedDetail': (string);
}
