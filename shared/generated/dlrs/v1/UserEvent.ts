// Original file: proto/dlrs/v1/recommender.proto

import type { Interaction as _dlrs_v1_Interaction, Interaction__Output as _dlrs_v1_Interaction__Output } from '../../dlrs/v1/Interaction.js';

/**
 * One user's event.
 */
export interface UserEvent {
  /**
   * The user. Required, 1 to 256 bytes.
   */
  'userId'?: (string);
  /**
   * The event. Required.
   */
  'interaction'?: (_dlrs_v1_Interaction | null);
}

/**
 * One user's event.
 */
export interface UserEvent__Output {
  /**
   * The user. Required, 1 to 256 bytes.
   */
  'userId': (string);
  /**
   * The event. Required.
   */
  'interaction': (_dlrs_v1_Interaction__Output | null);
}
