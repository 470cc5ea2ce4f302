// Original file: proto/dlrs/v1/recommender.proto

import type { RecommendResponse as _dlrs_v1_RecommendResponse, RecommendResponse__Output as _dlrs_v1_RecommendResponse__Output } from '../../dlrs/v1/RecommendResponse.js';
import type { ErrorStatus as _dlrs_v1_ErrorStatus, ErrorStatus__Output as _dlrs_v1_ErrorStatus__Output } from '../../dlrs/v1/ErrorStatus.js';

/**
 * One answer on RecommendStream.
 */
export interface RecommendStreamResponse {
  /**
   * The request's correlation id.
   */
  'requestId'?: (string);
  /**
   * The answer.
   */
  'response'?: (_dlrs_v1_RecommendResponse | null);
  /**
   * The request failed; the stream stays open.
   */
  'error'?: (_dlrs_v1_ErrorStatus | null);
  'result'?: "response"|"error";
}

/**
 * One answer on RecommendStream.
 */
export interface RecommendStreamResponse__Output {
  /**
   * The request's correlation id.
   */
  'requestId': (string);
  /**
   * The answer.
   */
  'response'?: (_dlrs_v1_RecommendResponse__Output | null);
  /**
   * The request failed; the stream stays open.
   */
  'error'?: (_dlrs_v1_ErrorStatus__Output | null);
  'result'?: "response"|"error";
}
