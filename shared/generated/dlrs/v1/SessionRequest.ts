// Original file: proto/dlrs/v1/recommender.proto

import type { SessionStart as _dlrs_v1_SessionStart, SessionStart__Output as _dlrs_v1_SessionStart__Output } from '../../dlrs/v1/SessionStart.js';
import type { Interaction as _dlrs_v1_Interaction, Interaction__Output as _dlrs_v1_Interaction__Output } from '../../dlrs/v1/Interaction.js';

/**
 * One message from the client in a session: first `start`, then events.
 */
export interface SessionRequest {
  /**
   * The first message: who and how.
   */
  'start'?: (_dlrs_v1_SessionStart | null);
  /**
   * An interaction event of the session's user.
   */
  'event'?: (_dlrs_v1_Interaction | null);
  'message'?: "start"|"event";
}

/**
 * One message from the client in a session: first `start`, then events.
 */
export interface SessionRequest__Output {
  /**
   * The first message: who and how.
   */
  'start'?: (_dlrs_v1_SessionStart__Output | null);
  /**
   * An interaction event of the session's user.
   */
  'event'?: (_dlrs_v1_Interaction__Output | null);
  'message'?: "start"|"event";
}
