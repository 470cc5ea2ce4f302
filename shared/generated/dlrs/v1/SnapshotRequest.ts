// Original file: proto/dlrs/v1/retrieval.proto


/**
 * No parameters.
 */
export interface SnapshotRequest {
}

/**
 * No parameters.
 */
export interface SnapshotRequest__Output {
}
