// Original file: proto/dlrs/v1/recommender.proto

import type { UserEvent as _dlrs_v1_UserEvent, UserEvent__Output as _dlrs_v1_UserEvent__Output } from '../../dlrs/v1/UserEvent.js';

/**
 * A batch of events.
 */
export interface RecordInteractionsRequest {
  /**
   * The events, 1 to the configured maximum (default 1,000), in any order of users. One bad
   * event refuses the whole batch: nothing of it is recorded.
   */
  'events'?: (_dlrs_v1_UserEvent)[];
}

/**
 * A batch of events.
 */
export interface RecordInteractionsRequest__Output {
  /**
   * The events, 1 to the configured maximum (default 1,000), in any order of users. One bad
   * event refuses the whole batch: nothing of it is recorded.
   */
  'events': (_dlrs_v1_UserEvent__Output)[];
}
