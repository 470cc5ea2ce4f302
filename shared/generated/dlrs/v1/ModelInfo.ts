// Original file: proto/dlrs/v1/common.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Which model a service serves.
 */
export interface ModelInfo {
  /**
   * The model version (a content hash of the bundle).
   */
  'modelVersion'?: (string);
  /**
   * Embedding dimension d.
   */
  'dim'?: (number);
  /**
   * Where the bundle was read from.
   */
  'bundlePath'?: (string);
  /**
   * When it was loaded, ms since the epoch.
   */
  'loadedAtMs'?: (number | string | Long);
}

/**
 * Which model a service serves.
 */
export interface ModelInfo__Output {
  /**
   * The model version (a content hash of the bundle).
   */
  'modelVersion': (string);
  /**
   * Embedding dimension d.
   */
  'dim': (number);
  /**
   * Where the bundle was read from.
   */
  'bundlePath': (string);
  /**
   * When it was loaded, ms since the epoch.
   */
  'loadedAtMs': (number);
}
