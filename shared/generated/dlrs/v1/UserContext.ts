// Original file: proto/dlrs/v1/recommender.proto

import type { Interaction as _dlrs_v1_Interaction, Interaction__Output as _dlrs_v1_Interaction__Output } from '../../dlrs/v1/Interaction.js';

/**
 * A user described inline instead of by a stored profile.
 */
export interface UserContext {
  /**
   * The user's recent interactions, oldest first; at most the configured maximum (default 200).
   */
  'interactions'?: (_dlrs_v1_Interaction)[];
  /**
   * Demographic or context features, where the model has them. At most 64 entries, keys of at
   * most 128 bytes, values of at most 256 bytes.
   */
  'attributes'?: ({[key: string]: string});
}

/**
 * A user described inline instead of by a stored profile.
 */
export interface UserContext__Output {
  /**
   * The user's recent interactions, oldest first; at most the configured maximum (default 200).
   */
  'interactions': (_dlrs_v1_Interaction__Output)[];
  /**
   * Demographic or context features, where the model has them. At most 64 entries, keys of at
   * most 128 bytes, values of at most 256 bytes.
   */
  'attributes': ({[key: string]: string});
}
