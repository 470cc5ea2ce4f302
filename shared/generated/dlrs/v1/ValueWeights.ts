// Original file: proto/dlrs/v1/common.proto


/**
 * The summed event weight per value of one categorical or multi-valued item feature.
 */
export interface ValueWeights {
  /**
   * The item feature name.
   */
  'feature'?: (string);
  /**
   * Value -> summed weight of the user's events on items with that value.
   */
  'weights'?: ({[key: string]: number | string});
  /**
   * Summed weight of the events whose item had a value of this feature: the distribution's
   * normaliser (equal to the sum of `weights` up to rounding).
   */
  'total'?: (number | string);
}

/**
 * The summed event weight per value of one categorical or multi-valued item feature.
 */
export interface ValueWeights__Output {
  /**
   * The item feature name.
   */
  'feature': (string);
  /**
   * Value -> summed weight of the user's events on items with that value.
   */
  'weights': ({[key: string]: number});
  /**
   * Summed weight of the events whose item had a value of this feature: the distribution's
   * normaliser (equal to the sum of `weights` up to rounding).
   */
  'total': (number);
}
