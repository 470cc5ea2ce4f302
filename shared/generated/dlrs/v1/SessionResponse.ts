// Original file: proto/dlrs/v1/recommender.proto

import type { RecommendResponse as _dlrs_v1_RecommendResponse, RecommendResponse__Output as _dlrs_v1_RecommendResponse__Output } from '../../dlrs/v1/RecommendResponse.js';

/**
 * One push to the client in a session.
 */
export interface SessionResponse {
  /**
   * The event id this push follows (empty for the push after `start`).
   */
  'eventId'?: (string);
  /**
   * Fresh recommendations after the event.
   */
  'recommendations'?: (_dlrs_v1_RecommendResponse | null);
}

/**
 * One push to the client in a session.
 */
export interface SessionResponse__Output {
  /**
   * The event id this push follows (empty for the push after `start`).
   */
  'eventId': (string);
  /**
   * Fresh recommendations after the event.
   */
  'recommendations': (_dlrs_v1_RecommendResponse__Output | null);
}
