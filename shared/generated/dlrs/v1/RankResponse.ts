// Original file: proto/dlrs/v1/ranking.proto


/**
 * Scores, row-aligned with the request's candidates.
 */
export interface RankResponse {
  /**
   * The request's correlation id.
   */
  'requestId'?: (string);
  /**
   * The model version that scored.
   */
  'modelVersion'?: (string);
  /**
   * n little-endian float32: p(item | user) per candidate.
   */
  'scores'?: (Buffer | Uint8Array | string);
  /**
   * With top_k > 0: candidate indices, best first.
   */
  'order'?: (number)[];
}

/**
 * Scores, row-aligned with the request's candidates.
 */
export interface RankResponse__Output {
  /**
   * The request's correlation id.
   */
  'requestId': (string);
  /**
   * The model version that scored.
   */
  'modelVersion': (string);
  /**
   * n little-endian float32: p(item | user) per candidate.
   */
  'scores': (Buffer);
  /**
   * With top_k > 0: candidate indices, best first.
   */
  'order': (number)[];
}
