// Original file: proto/dlrs/v1/retrieval.proto


/**
 * The result of a delete.
 */
export interface DeleteItemsResponse {
  /**
   * How many of the ids existed and were removed.
   */
  'deleted'?: (number);
  /**
   * Ids that were not present.
   */
  'notFound'?: (string)[];
}

/**
 * The result of a delete.
 */
export interface DeleteItemsResponse__Output {
  /**
   * How many of the ids existed and were removed.
   */
  'deleted': (number);
  /**
   * Ids that were not present.
   */
  'notFound': (string)[];
}
