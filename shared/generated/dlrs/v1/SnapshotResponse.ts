// Original file: proto/dlrs/v1/retrieval.proto

import type { Long } from '@grpc/proto-loader';

/**
 * The snapshot written.
 */
export interface SnapshotResponse {
  /**
   * Items in the snapshot.
   */
  'itemCount'?: (number | string | Long);
  /**
   * How long it took, ms.
   */
  'durationMs'?: (number);
  /**
   * Where it was written (in the shard's data directory).
   */
  'path'?: (string);
}

/**
 * The snapshot written.
 */
export interface SnapshotResponse__Output {
  /**
   * Items in the snapshot.
   */
  'itemCount': (number);
  /**
   * How long it took, ms.
   */
  'durationMs': (number);
  /**
   * Where it was written (in the shard's data directory).
   */
  'path': (string);
}
