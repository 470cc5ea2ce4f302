// Original file: proto/dlrs/v1/retrieval.proto

import type { SearchResponse as _dlrs_v1_SearchResponse, SearchResponse__Output as _dlrs_v1_SearchResponse__Output } from '../../dlrs/v1/SearchResponse.js';
import type { ErrorStatus as _dlrs_v1_ErrorStatus, ErrorStatus__Output as _dlrs_v1_ErrorStatus__Output } from '../../dlrs/v1/ErrorStatus.js';

/**
 * One answer on SearchStream.
 */
export interface SearchStreamResponse {
  /**
   * The request's correlation id.
   */
  'requestId'?: (string);
  /**
   * The search answer.
   */
  'response'?: (_dlrs_v1_SearchResponse | null);
  /**
   * The request failed; the stream stays open.
   */
  'error'?: (_dlrs_v1_ErrorStatus | null);
  'result'?: "response"|"error";
}

/**
 * One answer on SearchStream.
 */
export interface SearchStreamResponse__Output {
  /**
   * The request's correlation id.
   */
  'requestId': (string);
  /**
   * The search answer.
   */
  'response'?: (_dlrs_v1_SearchResponse__Output | null);
  /**
   * The request failed; the stream stays open.
   */
  'error'?: (_dlrs_v1_ErrorStatus__Output | null);
  'result'?: "response"|"error";
}
