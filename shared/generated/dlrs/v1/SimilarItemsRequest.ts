// Original file: proto/dlrs/v1/recommender.proto

import type { AttributeFilter as _dlrs_v1_AttributeFilter, AttributeFilter__Output as _dlrs_v1_AttributeFilter__Output } from '../../dlrs/v1/AttributeFilter.js';
import type { Item as _dlrs_v1_Item, Item__Output as _dlrs_v1_Item__Output } from '../../dlrs/v1/Item.js';

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
   * Exactly one of item_ids and item is given (INVALID_ARGUMENT naming `item_ids` otherwise);
   * item_ids stays outside a oneof because a repeated field cannot be in one and moving it
   * would change the wire format existing clients send.
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
  /**
   * Instead of item_ids: an item that is not in the catalog, by its raw features (the shape of
   * UpsertItems' items; unknown feature names or values of the wrong kind are INVALID_ARGUMENT
   * naming `item.features["name"]`). One retrieval shard runs ItemNet on it and every shard is
   * searched with that embedding under the same model version. `item.id` is optional: when
   * given, that id is excluded from the answer (e.g. the item is about to be added) and, if the
   * model learned it, its id embedding takes part. `item.title` is ignored.
   */
  'item'?: (_dlrs_v1_Item | null);
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
   * Exactly one of item_ids and item is given (INVALID_ARGUMENT naming `item_ids` otherwise);
   * item_ids stays outside a oneof because a repeated field cannot be in one and moving it
   * would change the wire format existing clients send.
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
  /**
   * Instead of item_ids: an item that is not in the catalog, by its raw features (the shape of
   * UpsertItems' items; unknown feature names or values of the wrong kind are INVALID_ARGUMENT
   * naming `item.features["name"]`). One retrieval shard runs ItemNet on it and every shard is
   * searched with that embedding under the same model version. `item.id` is optional: when
   * given, that id is excluded from the answer (e.g. the item is about to be added) and, if the
   * model learned it, its id embedding takes part. `item.title` is ignored.
   */
  'item': (_dlrs_v1_Item__Output | null);
}
