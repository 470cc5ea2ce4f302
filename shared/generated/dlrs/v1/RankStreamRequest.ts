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
  /**
   * This request's W3C trace context (keys `traceparent` and, optionally, `tracestate`, values
   * as in the HTTP headers), because the stream's metadata carries only the context of the call
   * that opened it. The service's span for the request is its child, and links the micro-batch
   * that served it. Empty = the request is not part of a trace.
   */
  'traceContext'?: ({[key: string]: string});
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
  /**
   * This request's W3C trace context (keys `traceparent` and, optionally, `tracestate`, values
   * as in the HTTP headers), because the stream's metadata carries only the context of the call
   * that opened it. The service's span for the request is its child, and links the micro-batch
   * that served it. Empty = the request is not part of a trace.
   */
  'traceContext': ({[key: string]: string});
  'call'?: "embedUsers"|"rank";
}
