// Original file: proto/dlrs/v1/common.proto

import type { FeatureValue as _dlrs_v1_FeatureValue, FeatureValue__Output as _dlrs_v1_FeatureValue__Output } from '../../dlrs/v1/FeatureValue.js';

/**
 * A catalog item: its id and raw features. ItemNet turns the features into the
 * item's embedding, so an item added after training is retrievable by its content.
 */
export interface Item {
  /**
   * Unique item id, 1 to 256 bytes of UTF-8. Required.
   */
  'id'?: (string);
  /**
   * Display title; never a model input. Optional, at most 1,024 bytes.
   */
  'title'?: (string);
  /**
   * Raw features by feature name (at most 256 features, names of at most 128 bytes). Unknown
   * names are rejected (INVALID_ARGUMENT); missing features are encoded as out-of-vocabulary /
   * the training mean.
   */
  'features'?: ({[key: string]: _dlrs_v1_FeatureValue});
}

/**
 * A catalog item: its id and raw features. ItemNet turns the features into the
 * item's embedding, so an item added after training is retrievable by its content.
 */
export interface Item__Output {
  /**
   * Unique item id, 1 to 256 bytes of UTF-8. Required.
   */
  'id': (string);
  /**
   * Display title; never a model input. Optional, at most 1,024 bytes.
   */
  'title': (string);
  /**
   * Raw features by feature name (at most 256 features, names of at most 128 bytes). Unknown
   * names are rejected (INVALID_ARGUMENT); missing features are encoded as out-of-vocabulary /
   * the training mean.
   */
  'features': ({[key: string]: _dlrs_v1_FeatureValue__Output});
}
