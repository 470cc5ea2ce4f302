// Original file: proto/dlrs/v1/retrieval.proto

import type { SearchResult as _dlrs_v1_SearchResult, SearchResult__Output as _dlrs_v1_SearchResult__Output } from '../../dlrs/v1/SearchResult.js';

/**
 * The answer to a SearchRequest.
 */
export interface SearchResponse {
  /**
   * The request's correlation id.
   */
  'requestId'?: (string);
  /**
   * The model version of the index.
   */
  'modelVersion'?: (string);
  /**
   * This shard's index.
   */
  'shard'?: (number);
  /**
   * Embedding dimension d.
   */
  'dim'?: (number);
  /**
   * One result per query, in query order.
   */
  'results'?: (_dlrs_v1_SearchResult)[];
}

/**
 * The answer to a SearchRequest.
 */
export interface SearchResponse__Output {
  /**
   * The request's correlation id.
   */
  'requestId': (string);
  /**
   * The model version of the index.
   */
  'modelVersion': (string);
  /**
   * This shard's index.
   */
  'shard': (number);
  /**
   * Embedding dimension d.
   */
  'dim': (number);
  /**
   * One result per query, in query order.
   */
  'results': (_dlrs_v1_SearchResult__Output)[];
}
