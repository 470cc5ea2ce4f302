// Original file: proto/dlrs/v1/recommender.proto

/**
 * The query embedding of Recommend's retrieval stage (RecommendRequest.query_mode gives the
 * figures that keep USER_NET the default for everyone).
 */
export const QueryMode = {
  /**
   * USER_NET, for every user.
   */
  QUERY_MODE_UNSPECIFIED: 'QUERY_MODE_UNSPECIFIED',
  /**
   * e_u, UserNet's embedding of the profile.
   */
  USER_NET: 'USER_NET',
  /**
   * The recency-weighted mean of the e_i of the profile's recent items (weight halves with
   * each newer item after it). Without recent items: USER_NET.
   */
  PSEUDO_USER: 'PSEUDO_USER',
  /**
   * The e_i of the newest recent item. Without recent items: USER_NET.
   */
  LAST_ITEM: 'LAST_ITEM',
} as const;

/**
 * The query embedding of Recommend's retrieval stage (RecommendRequest.query_mode gives the
 * figures that keep USER_NET the default for everyone).
 */
export type QueryMode =
  /**
   * USER_NET, for every user.
   */
  | 'QUERY_MODE_UNSPECIFIED'
  | 0
  /**
   * e_u, UserNet's embedding of the profile.
   */
  | 'USER_NET'
  | 1
  /**
   * The recency-weighted mean of the e_i of the profile's recent items (weight halves with
   * each newer item after it). Without recent items: USER_NET.
   */
  | 'PSEUDO_USER'
  | 2
  /**
   * The e_i of the newest recent item. Without recent items: USER_NET.
   */
  | 'LAST_ITEM'
  | 3

/**
 * The query embedding of Recommend's retrieval stage (RecommendRequest.query_mode gives the
 * figures that keep USER_NET the default for everyone).
 */
export type QueryMode__Output = typeof QueryMode[keyof typeof QueryMode]
