// Original file: proto/dlrs/v1/retrieval.proto

import type { StoredItem as _dlrs_v1_StoredItem, StoredItem__Output as _dlrs_v1_StoredItem__Output } from '../../dlrs/v1/StoredItem.js';

/**
 * The items found.
 */
export interface GetItemsResponse {
  /**
   * The items found, in request order.
   */
  'items'?: (_dlrs_v1_StoredItem)[];
  /**
   * Ids that are not in this shard.
   */
  'notFound'?: (string)[];
  /**
   * The model version of the embeddings.
   */
  'modelVersion'?: (string);
  /**
   * Embedding dimension d.
   */
  'dim'?: (number);
}

/**
 * The items found.
 */
export interface GetItemsResponse__Output {
  /**
   * The items found, in request order.
   */
  'items': (_dlrs_v1_StoredItem__Output)[];
  /**
   * Ids that are not in this shard.
   */
  'notFound': (string)[];
  /**
   * The model version of the embeddings.
   */
  'modelVersion': (string);
  /**
   * Embedding dimension d.
   */
  'dim': (number);
}
