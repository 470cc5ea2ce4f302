// Original file: proto/dlrs/v1/retrieval.proto


/**
 * The embeddings of an EmbedItemsRequest.
 */
export interface EmbedItemsResponse {
  /**
   * The model version whose ItemNet embedded the items.
   */
  'modelVersion'?: (string);
  /**
   * Embedding dimension d.
   */
  'dim'?: (number);
  /**
   * n x d little-endian float32 e_i, in request order.
   */
  'embeddings'?: (Buffer | Uint8Array | string);
  /**
   * n little-endian float32 b_i, in request order.
   */
  'biases'?: (Buffer | Uint8Array | string);
}

/**
 * The embeddings of an EmbedItemsRequest.
 */
export interface EmbedItemsResponse__Output {
  /**
   * The model version whose ItemNet embedded the items.
   */
  'modelVersion': (string);
  /**
   * Embedding dimension d.
   */
  'dim': (number);
  /**
   * n x d little-endian float32 e_i, in request order.
   */
  'embeddings': (Buffer);
  /**
   * n little-endian float32 b_i, in request order.
   */
  'biases': (Buffer);
}
