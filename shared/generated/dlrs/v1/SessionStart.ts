// Original file: proto/dlrs/v1/recommender.proto

import type { AttributeFilter as _dlrs_v1_AttributeFilter, AttributeFilter__Output as _dlrs_v1_AttributeFilter__Output } from '../../dlrs/v1/AttributeFilter.js';

/**
 * Opens a live session.
 */
export interface SessionStart {
  /**
   * The user; required, 1 to 256 bytes. Events of the session are recorded in this user's profile.
   */
  'userId'?: (string);
  /**
   * Items per push, as in RecommendRequest.k.
   */
  'k'?: (number);
  /**
   * Candidates, as in RecommendRequest.candidates.
   */
  'candidates'?: (number);
  /**
   * Only items that satisfy this filter.
   */
  'filter'?: (_dlrs_v1_AttributeFilter | null);
}

/**
 * Opens a live session.
 */
export interface SessionStart__Output {
  /**
   * The user; required, 1 to 256 bytes. Events of the session are recorded in this user's profile.
   */
  'userId': (string);
  /**
   * Items per push, as in RecommendRequest.k.
   */
  'k': (number);
  /**
   * Candidates, as in RecommendRequest.candidates.
   */
  'candidates': (number);
  /**
   * Only items that satisfy this filter.
   */
  'filter': (_dlrs_v1_AttributeFilter__Output | null);
}
