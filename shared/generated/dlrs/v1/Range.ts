// Original file: proto/dlrs/v1/common.proto


/**
 * An inclusive numeric range; an absent bound is open.
 */
export interface Range {
  /**
   * Lower bound (inclusive), if set.
   */
  'min'?: (number | string);
  /**
   * Upper bound (inclusive), if set.
   */
  'max'?: (number | string);
  '_min'?: "min";
  '_max'?: "max";
}

/**
 * An inclusive numeric range; an absent bound is open.
 */
export interface Range__Output {
  /**
   * Lower bound (inclusive), if set.
   */
  'min'?: (number);
  /**
   * Upper bound (inclusive), if set.
   */
  'max'?: (number);
  '_min'?: "min";
  '_max'?: "max";
}
