// Original file: proto/dlrs/v1/common.proto

import type { StringList as _dlrs_v1_StringList, StringList__Output as _dlrs_v1_StringList__Output } from '../../dlrs/v1/StringList.js';
import type { Range as _dlrs_v1_Range, Range__Output as _dlrs_v1_Range__Output } from '../../dlrs/v1/Range.js';

/**
 * One condition on one item feature.
 */
export interface FilterClause {
  /**
   * The feature name, as in the model's feature spec. Required, at most 128 bytes.
   */
  'field'?: (string);
  /**
   * Categorical: the value equals this. Multi-valued: the values contain this. At most 256 bytes.
   */
  'equals'?: (string);
  /**
   * Categorical: the value is one of these. Multi-valued: the values contain at least one.
   */
  'anyOf'?: (_dlrs_v1_StringList | null);
  /**
   * Continuous: the value lies in this range.
   */
  'range'?: (_dlrs_v1_Range | null);
  'condition'?: "equals"|"anyOf"|"range";
}

/**
 * One condition on one item feature.
 */
export interface FilterClause__Output {
  /**
   * The feature name, as in the model's feature spec. Required, at most 128 bytes.
   */
  'field': (string);
  /**
   * Categorical: the value equals this. Multi-valued: the values contain this. At most 256 bytes.
   */
  'equals'?: (string);
  /**
   * Categorical: the value is one of these. Multi-valued: the values contain at least one.
   */
  'anyOf'?: (_dlrs_v1_StringList__Output | null);
  /**
   * Continuous: the value lies in this range.
   */
  'range'?: (_dlrs_v1_Range__Output | null);
  'condition'?: "equals"|"anyOf"|"range";
}
