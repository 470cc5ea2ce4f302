// Original file: proto/dlrs/v1/common.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One entry of a profile's bag of recent items.
 */
export interface RecentItem {
  /**
   * The item id.
   */
  'itemId'?: (string);
  /**
   * The event's weight.
   */
  'weight'?: (number | string);
  /**
   * When the event happened, ms since the epoch.
   */
  'timestampMs'?: (number | string | Long);
}

/**
 * One entry of a profile's bag of recent items.
 */
export interface RecentItem__Output {
  /**
   * The item id.
   */
  'itemId': (string);
  /**
   * The event's weight.
   */
  'weight': (number);
  /**
   * When the event happened, ms since the epoch.
   */
  'timestampMs': (number);
}
