// Original file: proto/dlrs/v1/recommender.proto


/**
 * Which profile.
 */
export interface GetProfileRequest {
  /**
   * The user id. Required, 1 to 256 bytes.
   */
  'userId'?: (string);
}

/**
 * Which profile.
 */
export interface GetProfileRequest__Output {
  /**
   * The user id. Required, 1 to 256 bytes.
   */
  'userId': (string);
}
