// Original file: proto/dlrs/v1/common.proto


/**
 * Weighted running statistics of one continuous item feature over a user's events.
 */
export interface ContinuousStats {
  /**
   * The item feature name.
   */
  'feature'?: (string);
  /**
   * Sum of the weights of the events that had this feature.
   */
  'weightSum'?: (number | string);
  /**
   * Weighted mean of the feature.
   */
  'mean'?: (number | string);
  /**
   * Weighted sum of squared deviations (West's weighted Welford); variance = m2 / weight_sum.
   */
  'm2'?: (number | string);
}

/**
 * Weighted running statistics of one continuous item feature over a user's events.
 */
export interface ContinuousStats__Output {
  /**
   * The item feature name.
   */
  'feature': (string);
  /**
   * Sum of the weights of the events that had this feature.
   */
  'weightSum': (number);
  /**
   * Weighted mean of the feature.
   */
  'mean': (number);
  /**
   * Weighted sum of squared deviations (West's weighted Welford); variance = m2 / weight_sum.
   */
  'm2': (number);
}
