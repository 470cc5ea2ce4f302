// Original file: proto/dlrs/v1/ranking.proto

import type { EmbedUsersResponse as _dlrs_v1_EmbedUsersResponse, EmbedUsersResponse__Output as _dlrs_v1_EmbedUsersResponse__Output } from '../../dlrs/v1/EmbedUsersResponse.js';
import type { RankResponse as _dlrs_v1_RankResponse, RankResponse__Output as _dlrs_v1_RankResponse__Output } from '../../dlrs/v1/RankResponse.js';
import type { ErrorStatus as _dlrs_v1_ErrorStatus, ErrorStatus__Output as _dlrs_v1_ErrorStatus__Output } from '../../dlrs/v1/ErrorStatus.js';

/**
 * One answer on RankStream.
 */
export interface RankStreamResponse {
  /**
   * The request's correlation id.
   */
  'requestId'?: (string);
  /**
   * The answer to an embed_users request.
   */
  'embedUsers'?: (_dlrs_v1_EmbedUsersResponse | null);
  /**
   * The answer to a rank request.
   */
  'rank'?: (_dlrs_v1_RankResponse | null);
  /**
   * The request failed; the stream stays open.
   */
  'error'?: (_dlrs_v1_ErrorStatus | null);
  'result'?: "embedUsers"|"rank"|"error";
}

/**
 * One answer on RankStream.
 */
export interface RankStreamResponse__Output {
  /**
   * The request's correlation id.
   */
  'requestId': (string);
  /**
   * The answer to an embed_users request.
   */
  'embedUsers'?: (_dlrs_v1_EmbedUsersResponse__Output | null);
  /**
   * The answer to a rank request.
   */
  'rank'?: (_dlrs_v1_RankResponse__Output | null);
  /**
   * The request failed; the stream stays open.
   */
  'error'?: (_dlrs_v1_ErrorStatus__Output | null);
  'result'?: "embedUsers"|"rank"|"error";
}
