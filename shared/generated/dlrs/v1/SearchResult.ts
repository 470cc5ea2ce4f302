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
   * With include_embeddings: n x d little-endian float32 e_i; with bundle_rows, only the rows of
   * the items marked 0xFFFFFFFF there, in item order.
   */
  'embeddings'?: (Buffer | Uint8Array | string);
  /**
   * With include_embeddings: n little-endian float32 b_i; with bundle_rows, as embeddings.
   */
  'biases'?: (Buffer | Uint8Array | string);
  /**
   * With omit_bundle_embeddings: one little-endian uint32 per item, in item order: a row number
   * r = its e_i and b_i are those of item r in the served bundle's item list (left out of
   * embeddings and biases); 0xFFFFFFFF = they are in them (an item upserted since the bundle, or
   * not in it). Empty = every item's row is in embeddings and biases.
   */
  'bundleRows'?: (Buffer | Uint8Array | string);
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
   * With include_embeddings: n x d little-endian float32 e_i; with bundle_rows, only the rows of
   * the items marked 0xFFFFFFFF there, in item order.
   */
  'embeddings': (Buffer);
  /**
   * With include_embeddings: n little-endian float32 b_i; with bundle_rows, as embeddings.
   */
  'biases': (Buffer);
  /**
   * With omit_bundle_embeddings: one little-endian uint32 per item, in item order: a row number
   * r = its e_i and b_i are those of item r in the served bundle's item list (left out of
   * embeddings and biases); 0xFFFFFFFF = they are in them (an item upserted since the bundle, or
   * not in it). Empty = every item's row is in embeddings and biases.
   */
  'bundleRows': (Buffer);
}
