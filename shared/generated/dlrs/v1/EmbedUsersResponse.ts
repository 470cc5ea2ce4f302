// Original file: proto/dlrs/v1/ranking.proto


/**
 * User embeddings, row-aligned with the request's profiles.
 */
export interface EmbedUsersResponse {
  /**
   * The request's correlation id.
   */
  'requestId'?: (string);
  /**
   * The model version that produced the embeddings.
   */
  'modelVersion'?: (string);
  /**
   * Embedding dimension d.
   */
  'dim'?: (number);
  /**
   * Number of rows (= number of profiles).
   */
  'count'?: (number);
  /**
   * count x d little-endian float32: e_u per profile.
   */
  'embeddings'?: (Buffer | Uint8Array | string);
  /**
   * count little-endian float32: b_u per profile (the "wide" user bias).
   */
  'biases'?: (Buffer | Uint8Array | string);
  /**
   * This replica holds the e_i and b_i that model_version's ItemNet gives the bundle's own items,
   * and so accepts RankRequest.bundle_rows: a caller may send those candidates by row number only.
   */
  'resolvesBundleItems'?: (boolean);
}

/**
 * User embeddings, row-aligned with the request's profiles.
 */
export interface EmbedUsersResponse__Output {
  /**
   * The request's correlation id.
   */
  'requestId': (string);
  /**
   * The model version that produced the embeddings.
   */
  'modelVersion': (string);
  /**
   * Embedding dimension d.
   */
  'dim': (number);
  /**
   * Number of rows (= number of profiles).
   */
  'count': (number);
  /**
   * count x d little-endian float32: e_u per profile.
   */
  'embeddings': (Buffer);
  /**
   * count little-endian float32: b_u per profile (the "wide" user bias).
   */
  'biases': (Buffer);
  /**
   * This replica holds the e_i and b_i that model_version's ItemNet gives the bundle's own items,
   * and so accepts RankRequest.bundle_rows: a caller may send those candidates by row number only.
   */
  'resolvesBundleItems': (boolean);
}
