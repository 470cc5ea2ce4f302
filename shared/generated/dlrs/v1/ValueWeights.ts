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
}
