// Original file: proto/dlrs/v1/common.proto

import type { StringList as _dlrs_v1_StringList, StringList__Output as _dlrs_v1_StringList__Output } from '../../dlrs/v1/StringList.js';

/**
 * The value of one item feature. Which variant is valid depends on the feature's
 * kind in the model's feature spec (see Stats / the bundle manifest).
 */
export interface FeatureValue {
  /**
   * A categorical feature: one value, e.g. "diesel"; at most 256 bytes.
   */
  'text'?: (string);
  /**
   * A multi-valued categorical feature: several values, e.g. genres.
   */
  'texts'?: (_dlrs_v1_StringList | null);
  /**
   * A continuous feature, e.g. a price or a year. Must be finite.
   */
  'number'?: (number | string);
  'value'?: "text"|"texts"|"number";
}

/**
 * The value of one item feature. Which variant is valid depends on the feature's
 * kind in the model's feature spec (see Stats / the bundle manifest).
 */
export interface FeatureValue__Output {
  /**
   * A categorical feature: one value, e.g. "diesel"; at most 256 bytes.
   */
  'text'?: (string);
  /**
   * A multi-valued categorical feature: several values, e.g. genres.
   */
  'texts'?: (_dlrs_v1_StringList__Output | null);
  /**
   * A continuous feature, e.g. a price or a year. Must be finite.
   */
  'number'?: (number);
  'value'?: "text"|"texts"|"number";
}
