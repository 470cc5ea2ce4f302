// Original file: proto/dlrs/v1/ranking.proto

import type { UserProfile as _dlrs_v1_UserProfile, UserProfile__Output as _dlrs_v1_UserProfile__Output } from '../../dlrs/v1/UserProfile.js';

/**
 * Profiles to embed.
 */
export interface EmbedUsersRequest {
  /**
   * Caller's correlation id, echoed back.
   */
  'requestId'?: (string);
  /**
   * The model version the caller expects; empty = the served one.
   */
  'modelVersion'?: (string);
  /**
   * The profiles, 1 to the configured maximum.
   */
  'profiles'?: (_dlrs_v1_UserProfile)[];
  /**
   * On RankStream only: the request's time budget in ms (0 = the stream's default).
   */
  'timeoutMs'?: (number);
}

/**
 * Profiles to embed.
 */
export interface EmbedUsersRequest__Output {
  /**
   * Caller's correlation id, echoed back.
   */
  'requestId': (string);
  /**
   * The model version the caller expects; empty = the served one.
   */
  'modelVersion': (string);
  /**
   * The profiles, 1 to the configured maximum.
   */
  'profiles': (_dlrs_v1_UserProfile__Output)[];
  /**
   * On RankStream only: the request's time budget in ms (0 = the stream's default).
   */
  'timeoutMs': (number);
}
