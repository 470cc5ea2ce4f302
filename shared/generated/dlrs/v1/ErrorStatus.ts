// Original file: proto/dlrs/v1/common.proto


/**
 * An error for one request on a multiplexed stream (the stream itself stays open).
 */
export interface ErrorStatus {
  /**
   * The gRPC status code (e.g. 3 = INVALID_ARGUMENT, 8 = RESOURCE_EXHAUSTED).
   */
  'code'?: (number);
  /**
   * A human-readable message; for argument errors it names the field.
   */
  'message'?: (string);
  /**
   * The offending field, when the error is about one.
   */
  'field'?: (string);
}

/**
 * An error for one request on a multiplexed stream (the stream itself stays open).
 */
export interface ErrorStatus__Output {
  /**
   * The gRPC status code (e.g. 3 = INVALID_ARGUMENT, 8 = RESOURCE_EXHAUSTED).
   */
  'code': (number);
  /**
   * A human-readable message; for argument errors it names the field.
   */
  'message': (string);
  /**
   * The offending field, when the error is about one.
   */
  'field': (string);
}
