// Original file: proto/dlrs/v1/retrieval.proto

import type { Item as _dlrs_v1_Item, Item__Output as _dlrs_v1_Item__Output } from '../../dlrs/v1/Item.js';

/**
 * Items to add or replace.
 */
export interface UpsertItemsRequest {
  /**
   * The items, 1 to the configured maximum; each must belong to this shard (else FAILED_PRECONDITION).
   */
  'items'?: (_dlrs_v1_Item)[];
}

/**
 * Items to add or replace.
 */
export interface UpsertItemsRequest__Output {
  /**
   * The items, 1 to the configured maximum; each must belong to this shard (else FAILED_PRECONDITION).
   */
  'items': (_dlrs_v1_Item__Output)[];
}
