// Original file: proto/dlrs/v1/retrieval.proto


/**
 * The candidates of one query, best first.
 */
export interface SearchResult {
  /**
   * Item ids, best first.
   */
  'itemIds'?: (string)[];
  /**
   * Per item, little-endian float32: inner product e_u . e_i.
   */
  'similarities'?: (Buffer | Uint8Array | string);
  /**
   * With include_embeddings: n x d little-endian float32 e_i.
   */
  'embeddings'?: (Buffer | Uint8Array | string);
  /**
   * With include_embeddings: n little-endian float32 b_i.
   */
  'biases'?: (Buffer | Uint8Array | string);
}

/**
 * The candidates of one query, best first.
 */
export interface SearchResult__Output {
  /**
   * Item ids, best first.
   */
  'itemIds': (string)[];
  /**
   * Per item, little-endian float32: inner product e_u . e_i.
   */
  'similarities': (Buffer);
  /**
   * With include_embeddings: n x d little-endian float32 e_i.
   */
  'embeddings': (Buffer);
  /**
   * With include_embeddings: n little-endian float32 b_i.
   */
  'biases': (Buffer);
}
