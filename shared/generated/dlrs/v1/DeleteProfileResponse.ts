// Original file: proto/dlrs/v1/recommender.proto


/**
 * The result of an erasure.
 */
export interface DeleteProfileResponse {
  /**
   * False when there was no profile.
   */
  'deleted'?: (boolean);
}

/**
 * The result of an erasure.
 */
export interface DeleteProfileResponse__Output {
  /**
   * False when there was no profile.
   */
  'deleted': (boolean);
}
