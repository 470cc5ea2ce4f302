// Original file: proto/dlrs/v1/retrieval.proto

import type { Long } from '@grpc/proto-loader';

/**
 * The shard's state.
 */
export interface StatsResponse {
  /**
   * Items in the shard.
   */
  'itemCount'?: (number | string | Long);
  /**
   * Approximate memory held by index and store, in bytes.
   */
  'memoryBytes'?: (number | string | Long);
  /**
   * The served model version.
   */
  'modelVersion'?: (string);
  /**
   * This shard's index, 0-based.
   */
  'shardIndex'?: (number);
  /**
   * The number of shards the catalog is split into.
   */
  'shardCount'?: (number);
  /**
   * Embedding dimension d.
   */
  'dim'?: (number);
  /**
   * Index metric: "ip" = inner product.
   */
  'metric'?: (string);
  /**
   * HNSW connectivity (edges per node).
   */
  'connectivity'?: (number);
  /**
   * HNSW expansion factor when adding.
   */
  'expansionAdd'?: (number);
  /**
   * HNSW expansion factor when searching.
   */
  'expansionSearch'?: (number);
  /**
   * Vector quantization: "f32", "f16" or "i8".
   */
  'quantization'?: (string);
  /**
   * Write-ahead log entries since the last snapshot.
   */
  'logEntriesSinceSnapshot'?: (number | string | Long);
  /**
   * When the last snapshot was written, ms since the epoch (0 = never).
   */
  'lastSnapshotMs'?: (number | string | Long);
}

/**
 * The shard's state.
 */
export interface StatsResponse__Output {
  /**
   * Items in the shard.
   */
  'itemCount': (number);
  /**
   * Approximate memory held by index and store, in bytes.
   */
  'memoryBytes': (number);
  /**
   * The served model version.
   */
  'modelVersion': (string);
  /**
   * This shard's index, 0-based.
   */
  'shardIndex': (number);
  /**
   * The number of shards the catalog is split into.
   */
  'shardCount': (number);
  /**
   * Embedding dimension d.
   */
  'dim': (number);
  /**
   * Index metric: "ip" = inner product.
   */
  'metric': (string);
  /**
   * HNSW connectivity (edges per node).
   */
  'connectivity': (number);
  /**
   * HNSW expansion factor when adding.
   */
  'expansionAdd': (number);
  /**
   * HNSW expansion factor when searching.
   */
  'expansionSearch': (number);
  /**
   * Vector quantization: "f32", "f16" or "i8".
   */
  'quantization': (string);
  /**
   * Write-ahead log entries since the last snapshot.
   */
  'logEntriesSinceSnapshot': (number);
  /**
   * When the last snapshot was written, ms since the epoch (0 = never).
   */
  'lastSnapshotMs': (number);
}
