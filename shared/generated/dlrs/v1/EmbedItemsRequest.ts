// Original file: proto/dlrs/v1/retrieval.proto

import type { Item as _dlrs_v1_Item, Item__Output as _dlrs_v1_Item__Output } from '../../dlrs/v1/Item.js';

/**
 * Items to embed, not to store.
 */
export interface EmbedItemsRequest {
  /**
   * The items, 1 to the configured maximum (as in UpsertItems). Their features are checked
   * as UpsertItems checks them (INVALID_ARGUMENT naming `items[i].features[name]`); ids are
   * optional, may belong to any shard and are never looked up: an id the model knows adds its
   * learned id embedding, any other id (or none) the out-of-vocabulary one.
   */
  'items'?: (_dlrs_v1_Item)[];
  /**
   * The model version expected; empty = the served one. Another version is FAILED_PRECONDITION.
   */
  'modelVersion'?: (string);
}

/**
 * Items to embed, not to store.
 */
export interface EmbedItemsRequest__Output {
  /**
   * The items, 1 to the configured maximum (as in UpsertItems). Their features are checked
   * as UpsertItems checks them (INVALID_ARGUMENT naming `items[i].features[name]`); ids are
   * optional, may belong to any shard and are never looked up: an id the model knows adds its
   * learned id embedding, any other id (or none) the out-of-vocabulary one.
   */
  'items': (_dlrs_v1_Item__Output)[];
  /**
   * The model version expected; empty = the served one. Another version is FAILED_PRECONDITION.
   */
  'modelVersion': (string);
}
