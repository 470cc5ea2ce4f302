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
   * n x d little-endian float32: the candidates' e_i, n from 1 to the configured maximum.
   */
  'itemEmbeddings'?: (Buffer | Uint8Array | string);
  /**
   * n little-endian float32: the candidates' b_i.
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
   * n x d little-endian float32: the candidates' e_i, n from 1 to the configured maximum.
   */
  'itemEmbeddings': (Buffer);
  /**
   * n little-endian float32: the candidates' b_i.
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
}
