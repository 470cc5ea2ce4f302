// Original file: proto/dlrs/v1/ranking.proto


/**
 * One user's candidates to score.
 */
export interface RankRequest {
  /**
   * Caller's correlation id, echoed back.
   */
  'requestId'?: (string);
  /**
   * The model version of the embeddings; empty = the served one. A mismatch is FAILED_PRECONDITION.
   */
  'modelVersion'?: (string);
  /**
   * Embedding dimension d.
   */
  'dim'?: (number);
  /**
   * d little-endian float32: e_u.
   */
  'userEmbedding'?: (Buffer | Uint8Array | string);
  /**
   * b_u.
   */
  'userBias'?: (number | string);
  /**
   * n x d little-endian float32: the candidates' e_i, n from 1 to the configured maximum. With
   * bundle_rows: only the rows of the candidates marked 0xFFFFFFFF there, in candidate order.
   */
  'itemEmbeddings'?: (Buffer | Uint8Array | string);
  /**
   * n little-endian float32: the candidates' b_i. With bundle_rows: as item_embeddings.
   */
  'itemBiases'?: (Buffer | Uint8Array | string);
  /**
   * When > 0, also return the indices of the top_k candidates by score.
   */
  'topK'?: (number);
  /**
   * On RankStream only: the request's time budget in ms (0 = the stream's default).
   */
  'timeoutMs'?: (number);
  /**
   * Empty = every candidate's e_i and b_i are in item_embeddings and item_biases. Else one
   * little-endian uint32 per candidate, in candidate order: a row number r = its e_i and b_i are
   * those model_version's ItemNet gives item r of the bundle's item list (SearchResult.bundle_rows),
   * and ranking reads them from its own table of that version; 0xFFFFFFFF = they are in
   * item_embeddings and item_biases. Needs model_version, and a replica that answered EmbedUsers
   * with resolves_bundle_items. A row number past the bundle's items is FAILED_PRECONDITION
   * naming bundle_rows (never scored with other values).
   */
  'bundleRows'?: (Buffer | Uint8Array | string);
}

/**
 * One user's candidates to score.
 */
export interface RankRequest__Output {
  /**
   * Caller's correlation id, echoed back.
   */
  'requestId': (string);
  /**
   * The model version of the embeddings; empty = the served one. A mismatch is FAILED_PRECONDITION.
   */
  'modelVersion': (string);
  /**
   * Embedding dimension d.
   */
  'dim': (number);
  /**
   * d little-endian float32: e_u.
   */
  'userEmbedding': (Buffer);
  /**
   * b_u.
   */
  'userBias': (number);
  /**
   * n x d little-endian float32: the candidates' e_i, n from 1 to the configured maximum. With
   * bundle_rows: only the rows of the candidates marked 0xFFFFFFFF there, in candidate order.
   */
  'itemEmbeddings': (Buffer);
  /**
   * n little-endian float32: the candidates' b_i. With bundle_rows: as item_embeddings.
   */
  'itemBiases': (Buffer);
  /**
   * When > 0, also return the indices of the top_k candidates by score.
   */
  'topK': (number);
  /**
   * On RankStream only: the request's time budget in ms (0 = the stream's default).
   */
  'timeoutMs': (number);
  /**
   * Empty = every candidate's e_i and b_i are in item_embeddings and item_biases. Else one
   * little-endian uint32 per candidate, in candidate order: a row number r = its e_i and b_i are
   * those model_version's ItemNet gives item r of the bundle's item list (SearchResult.bundle_rows),
   * and ranking reads them from its own table of that version; 0xFFFFFFFF = they are in
   * item_embeddings and item_biases. Needs model_version, and a replica that answered EmbedUsers
   * with resolves_bundle_items. A row number past the bundle's items is FAILED_PRECONDITION
   * naming bundle_rows (never scored with other values).
   */
  'bundleRows': (Buffer);
}
