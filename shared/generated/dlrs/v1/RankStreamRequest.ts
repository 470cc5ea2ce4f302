// Original file: proto/dlrs/v1/ranking.proto

import type { EmbedUsersRequest as _dlrs_v1_EmbedUsersRequest, EmbedUsersRequest__Output as _dlrs_v1_EmbedUsersRequest__Output } from '../../dlrs/v1/EmbedUsersRequest.js';
import type { RankRequest as _dlrs_v1_RankRequest, RankRequest__Output as _dlrs_v1_RankRequest__Output } from '../../dlrs/v1/RankRequest.js';

/**
 * One request on RankStream.
 */
export interface RankStreamRequest {
  /**
   * Correlation id, unique among the stream's requests in flight. Required.
   */
  'requestId'?: (string);
  /**
   * A UserNet request.
   */
  'embedUsers'?: (_dlrs_v1_EmbedUsersRequest | null);
  /**
   * A RankNet request.
   */
  'rank'?: (_dlrs_v1_RankRequest | null);
  'call'?: "embedUsers"|"rank";
}

/**
 * One request on RankStream.
 */
export interface RankStreamRequest__Output {
  /**
   * Correlation id, unique among the stream's requests in flight. Required.
   */
  'requestId': (string);
  /**
   * A UserNet request.
   */
  'embedUsers'?: (_dlrs_v1_EmbedUsersRequest__Output | null);
  /**
   * A RankNet request.
   */
  'rank'?: (_dlrs_v1_RankRequest__Output | null);
  'call'?: "embedUsers"|"rank";
}
