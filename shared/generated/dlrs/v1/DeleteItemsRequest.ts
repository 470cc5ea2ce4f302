// Original file: proto/dlrs/v1/retrieval.proto


/**
 * Items to remove.
 */
export interface DeleteItemsRequest {
  /**
   * Item ids, 1 to the configured maximum.
   */
  'itemIds'?: (string)[];
}

/**
 * Items to remove.
 */
export interface DeleteItemsRequest__Output {
  /**
   * Item ids, 1 to the configured maximum.
   */
  'itemIds': (string)[];
}
