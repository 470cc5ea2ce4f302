// Original file: proto/dlrs/v1/ranking.proto


/**
 * No parameters.
 */
export interface GetModelRequest {
}

/**
 * No parameters.
 */
export interface GetModelRequest__Output {
}
