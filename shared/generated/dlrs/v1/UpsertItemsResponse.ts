// Original file: proto/dlrs/v1/retrieval.proto


/**
 * The result of an upsert.
 */
export interface UpsertItemsResponse {
  /**
   * How many items were written.
   */
  'upserted'?: (number);
  /**
   * The model version whose ItemNet embedded them.
   */
  'modelVersion'?: (string);
}

/**
 * The result of an upsert.
 */
export interface UpsertItemsResponse__Output {
  /**
   * How many items were written.
   */
  'upserted': (number);
  /**
   * The model version whose ItemNet embedded them.
   */
  'modelVersion': (string);
}
