// Original file: proto/dlrs/v1/retrieval.proto


/**
 * No parameters.
 */
export interface StatsRequest {
}

/**
 * No parameters.
 */
export interface StatsRequest__Output {
}
