// Original file: proto/dlrs/v1/recommender.proto

import type { Interaction as _dlrs_v1_Interaction, Interaction__Output as _dlrs_v1_Interaction__Output } from '../../dlrs/v1/Interaction.js';

/**
 * A user described inline instead of by a stored profile.
 */
export interface UserContext {
  /**
   * The user's recent interactions, oldest first.
   */
  'interactions'?: (_dlrs_v1_Interaction)[];
  /**
   * Demographic or context features, where the model has them.
   */
  'attributes'?: ({[key: string]: string});
}

/**
 * A user described inline instead of by a stored profile.
 */
export interface UserContext__Output {
  /**
   * The user's recent interactions, oldest first.
   */
  'interactions': (_dlrs_v1_Interaction__Output)[];
  /**
   * Demographic or context features, where the model has them.
   */
  'attributes': ({[key: string]: string});
}
