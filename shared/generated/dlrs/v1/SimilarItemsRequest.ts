// Original file: proto/dlrs/v1/recommender.proto

import type { AttributeFilter as _dlrs_v1_AttributeFilter, AttributeFilter__Output as _dlrs_v1_AttributeFilter__Output } from '../../dlrs/v1/AttributeFilter.js';

/**
 * A "more like this" request.
 */
export interface SimilarItemsRequest {
  /**
   * Caller's correlation id, echoed back, at most 256 bytes.
   */
  'requestId'?: (string);
  /**
   * The catalog items to find neighbours of, 1 to 20 ids of 1 to 256 bytes each. Several
   * ids query with the mean of their embeddings. They are never returned themselves.
   */
  'itemIds'?: (string)[];
  /**
   * Number of items to return, 1 to the configured maximum (default 10 when 0).
   */
  'k'?: (number);
  /**
   * Neighbours retrieved before ranking when user_id is given, k to the configured maximum
   * (default 300 when 0); without a user the k nearest are returned in similarity order.
   */
  'candidates'?: (number);
  /**
   * Items never to return: at most the configured maximum (default 1,000), each 1 to 256 bytes.
   */
  'excludeIds'?: (string)[];
  /**
   * Only items that satisfy this filter.
   */
  'filter'?: (_dlrs_v1_AttributeFilter | null);
  /**
   * Optional, at most 256 bytes: rank the neighbours for this stored user with RankNet
   * (items the user has seen stay allowed). Empty = similarity order. An unknown user gets
   * similarity order too, not degraded.
   */
  'userId'?: (string);
}

/**
 * A "more like this" request.
 */
export interface SimilarItemsRequest__Output {
  /**
   * Caller's correlation id, echoed back, at most 256 bytes.
   */
  'requestId': (string);
  /**
   * The catalog items to find neighbours of, 1 to 20 ids of 1 to 256 bytes each. Several
   * ids query with the mean of their embeddings. They are never returned themselves.
   */
  'itemIds': (string)[];
  /**
   * Number of items to return, 1 to the configured maximum (default 10 when 0).
   */
  'k': (number);
  /**
   * Neighbours retrieved before ranking when user_id is given, k to the configured maximum
   * (default 300 when 0); without a user the k nearest are returned in similarity order.
   */
  'candidates': (number);
  /**
   * Items never to return: at most the configured maximum (default 1,000), each 1 to 256 bytes.
   */
  'excludeIds': (string)[];
  /**
   * Only items that satisfy this filter.
   */
  'filter': (_dlrs_v1_AttributeFilter__Output | null);
  /**
   * Optional, at most 256 bytes: rank the neighbours for this stored user with RankNet
   * (items the user has seen stay allowed). Empty = similarity order. An unknown user gets
   * similarity order too, not degraded.
   */
  'userId': (string);
}
