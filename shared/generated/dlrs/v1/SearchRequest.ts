// Original file: proto/dlrs/v1/retrieval.proto

import type { AttributeFilter as _dlrs_v1_AttributeFilter, AttributeFilter__Output as _dlrs_v1_AttributeFilter__Output } from '../../dlrs/v1/AttributeFilter.js';

/**
 * A nearest-neighbour query.
 */
export interface SearchRequest {
  /**
   * Caller's correlation id, echoed back. Required on SearchStream.
   */
  'requestId'?: (string);
  /**
   * The model version of the query embeddings; empty = the served one. A mismatch is FAILED_PRECONDITION.
   */
  'modelVersion'?: (string);
  /**
   * Embedding dimension d.
   */
  'dim'?: (number);
  /**
   * q x d little-endian float32: one or several query embeddings (e_u), finite values.
   */
  'queries'?: (Buffer | Uint8Array | string);
  /**
   * Results per query, 1 to the configured maximum.
   */
  'k'?: (number);
  /**
   * Items never to return (e.g. already seen).
   */
  'excludeIds'?: (string)[];
  /**
   * Attribute filter on item features.
   */
  'filter'?: (_dlrs_v1_AttributeFilter | null);
  /**
   * Also return each candidate's embedding and bias (needed to rank them).
   */
  'includeEmbeddings'?: (boolean);
  /**
   * On SearchStream only: the request's time budget in ms (0 = the stream's default).
   */
  'timeoutMs'?: (number);
  /**
   * On SearchStream only: this request's W3C trace context (keys `traceparent` and, optionally,
   * `tracestate`, values as in the HTTP headers), because the stream's metadata carries only the
   * context of the call that opened it. The shard's span for the request is its child. Empty =
   * the request is not part of a trace. Unary Search takes the context from the call's metadata.
   */
  'traceContext'?: ({[key: string]: string});
  /**
   * With include_embeddings: leave out the e_i and b_i of items whose embedding is the one the
   * served model's ItemNet gives the bundle's own item of that id (features unchanged since the
   * bundle), and give their row numbers in SearchResult.bundle_rows; a caller whose ranking holds
   * the bundle's items sends those by row number. A shard that predates this field sends every row.
   */
  'omitBundleEmbeddings'?: (boolean);
}

/**
 * A nearest-neighbour query.
 */
export interface SearchRequest__Output {
  /**
   * Caller's correlation id, echoed back. Required on SearchStream.
   */
  'requestId': (string);
  /**
   * The model version of the query embeddings; empty = the served one. A mismatch is FAILED_PRECONDITION.
   */
  'modelVersion': (string);
  /**
   * Embedding dimension d.
   */
  'dim': (number);
  /**
   * q x d little-endian float32: one or several query embeddings (e_u), finite values.
   */
  'queries': (Buffer);
  /**
   * Results per query, 1 to the configured maximum.
   */
  'k': (number);
  /**
   * Items never to return (e.g. already seen).
   */
  'excludeIds': (string)[];
  /**
   * Attribute filter on item features.
   */
  'filter': (_dlrs_v1_AttributeFilter__Output | null);
  /**
   * Also return each candidate's embedding and bias (needed to rank them).
   */
  'includeEmbeddings': (boolean);
  /**
   * On SearchStream only: the request's time budget in ms (0 = the stream's default).
   */
  'timeoutMs': (number);
  /**
   * On SearchStream only: this request's W3C trace context (keys `traceparent` and, optionally,
   * `tracestate`, values as in the HTTP headers), because the stream's metadata carries only the
   * context of the call that opened it. The shard's span for the request is its child. Empty =
   * the request is not part of a trace. Unary Search takes the context from the call's metadata.
   */
  'traceContext': ({[key: string]: string});
  /**
   * With include_embeddings: leave out the e_i and b_i of items whose embedding is the one the
   * served model's ItemNet gives the bundle's own item of that id (features unchanged since the
   * bundle), and give their row numbers in SearchResult.bundle_rows; a caller whose ranking holds
   * the bundle's items sends those by row number. A shard that predates this field sends every row.
   */
  'omitBundleEmbeddings': (boolean);
}
