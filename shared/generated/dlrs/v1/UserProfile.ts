// Original file: proto/dlrs/v1/common.proto

import type { ValueWeights as _dlrs_v1_ValueWeights, ValueWeights__Output as _dlrs_v1_ValueWeights__Output } from '../../dlrs/v1/ValueWeights.js';
import type { ContinuousStats as _dlrs_v1_ContinuousStats, ContinuousStats__Output as _dlrs_v1_ContinuousStats__Output } from '../../dlrs/v1/ContinuousStats.js';
import type { RecentItem as _dlrs_v1_RecentItem, RecentItem__Output as _dlrs_v1_RecentItem__Output } from '../../dlrs/v1/RecentItem.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A user profile as learned from interactions (the thesis' profile learner): UserNet's input.
 */
export interface UserProfile {
  /**
   * The user id (empty for an anonymous inline context).
   */
  'userId'?: (string);
  /**
   * Per categorical / multi-valued item feature: the weight of the user's events per value.
   */
  'categorical'?: (_dlrs_v1_ValueWeights)[];
  /**
   * Per continuous item feature: weighted mean and spread.
   */
  'continuous'?: (_dlrs_v1_ContinuousStats)[];
  /**
   * The most recent interacted items, most recent first, at most the model's bag length.
   */
  'recentItems'?: (_dlrs_v1_RecentItem)[];
  /**
   * Sum of the weights of all events in the profile.
   */
  'totalWeight'?: (number | string);
  /**
   * Number of events in the profile.
   */
  'eventCount'?: (number | string | Long);
  /**
   * Demographic or context features, where the model has them.
   */
  'attributes'?: ({[key: string]: string});
  /**
   * When the profile last changed, ms since the epoch.
   */
  'updatedAtMs'?: (number | string | Long);
}

/**
 * A user profile as learned from interactions (the thesis' profile learner): UserNet's input.
 */
export interface UserProfile__Output {
  /**
   * The user id (empty for an anonymous inline context).
   */
  'userId': (string);
  /**
   * Per categorical / multi-valued item feature: the weight of the user's events per value.
   */
  'categorical': (_dlrs_v1_ValueWeights__Output)[];
  /**
   * Per continuous item feature: weighted mean and spread.
   */
  'continuous': (_dlrs_v1_ContinuousStats__Output)[];
  /**
   * The most recent interacted items, most recent first, at most the model's bag length.
   */
  'recentItems': (_dlrs_v1_RecentItem__Output)[];
  /**
   * Sum of the weights of all events in the profile.
   */
  'totalWeight': (number);
  /**
   * Number of events in the profile.
   */
  'eventCount': (number);
  /**
   * Demographic or context features, where the model has them.
   */
  'attributes': ({[key: string]: string});
  /**
   * When the profile last changed, ms since the epoch.
   */
  'updatedAtMs': (number);
}
