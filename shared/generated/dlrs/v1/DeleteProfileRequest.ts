// Original file: proto/dlrs/v1/recommender.proto


/**
 * Which profile to erase.
 */
export interface DeleteProfileRequest {
  /**
   * The user id. Required, 1 to 256 bytes.
   */
  'userId'?: (string);
}

/**
 * Which profile to erase.
 */
export interface DeleteProfileRequest__Output {
  /**
   * The user id. Required, 1 to 256 bytes.
   */
  'userId': (string);
}
