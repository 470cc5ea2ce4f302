// Original file: proto/dlrs/v1/retrieval.proto

import type { Item as _dlrs_v1_Item, Item__Output as _dlrs_v1_Item__Output } from '../../dlrs/v1/Item.js';

/**
 * One stored item.
 */
export interface StoredItem {
  /**
   * The item with its raw features.
   */
  'item'?: (_dlrs_v1_Item | null);
  /**
   * With include_embeddings: d little-endian float32 e_i.
   */
  'embedding'?: (Buffer | Uint8Array | string);
  /**
   * With include_embeddings: b_i.
   */
  'bias'?: (number | string);
}

/**
 * One stored item.
 */
export interface StoredItem__Output {
  /**
   * The item with its raw features.
   */
  'item': (_dlrs_v1_Item__Output | null);
  /**
   * With include_embeddings: d little-endian float32 e_i.
   */
  'embedding': (Buffer);
  /**
   * With include_embeddings: b_i.
   */
  'bias': (number);
}
