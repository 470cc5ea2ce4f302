// Original file: proto/dlrs/v1/recommender.proto


/**
 * The result of recording events.
 */
export interface RecordInteractionsResponse {
  /**
   * Events applied to profiles.
   */
  'accepted'?: (number);
  /**
   * Events ignored because their event id was seen before.
   */
  'duplicates'?: (number);
}

/**
 * The result of recording events.
 */
export interface RecordInteractionsResponse__Output {
  /**
   * Events applied to profiles.
   */
  'accepted': (number);
  /**
   * Events ignored because their event id was seen before.
   */
  'duplicates': (number);
}
