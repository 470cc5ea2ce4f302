// Original file: proto/dlrs/v1/retrieval.proto


/**
 * Items to read.
 */
export interface GetItemsRequest {
  /**
   * Item ids, 1 to the configured maximum.
   */
  'itemIds'?: (string)[];
  /**
   * Also return embeddings and biases.
   */
  'includeEmbeddings'?: (boolean);
}

/**
 * Items to read.
 */
export interface GetItemsRequest__Output {
  /**
   * Item ids, 1 to the configured maximum.
   */
  'itemIds': (string)[];
  /**
   * Also return embeddings and biases.
   */
  'includeEmbeddings': (boolean);
}
