// Original file: proto/dlrs/v1/recommender.proto

import type { UserContext as _dlrs_v1_UserContext, UserContext__Output as _dlrs_v1_UserContext__Output } from '../../dlrs/v1/UserContext.js';
import type { AttributeFilter as _dlrs_v1_AttributeFilter, AttributeFilter__Output as _dlrs_v1_AttributeFilter__Output } from '../../dlrs/v1/AttributeFilter.js';
import type { QueryMode as _dlrs_v1_QueryMode, QueryMode__Output as _dlrs_v1_QueryMode__Output } from '../../dlrs/v1/QueryMode.js';
import type { SimilarItemsRequest as _dlrs_v1_SimilarItemsRequest, SimilarItemsRequest__Output as _dlrs_v1_SimilarItemsRequest__Output } from '../../dlrs/v1/SimilarItemsRequest.js';

/**
 * A recommendation request.
 */
export interface RecommendRequest {
  /**
   * Caller's correlation id, echoed back, at most 256 bytes. Required on RecommendStream.
   */
  'requestId'?: (string);
  /**
   * A user with a stored profile (built from RecordInteractions / Session events), 1 to 256
   * bytes. An unknown user gets the most popular items, flagged degraded.
   */
  'userId'?: (string);
  /**
   * An anonymous user described by recent interactions.
   */
  'context'?: (_dlrs_v1_UserContext | null);
  /**
   * Number of items to return, 1 to the configured maximum (default 10 when 0).
   */
  'k'?: (number);
  /**
   * Candidates retrieved before ranking, k to the configured maximum (default 300 when 0).
   */
  'candidates'?: (number);
  /**
   * Items never to return: at most the configured maximum (default 1,000), each 1 to 256 bytes.
   */
  'excludeIds'?: (string)[];
  /**
   * Only items that satisfy this filter.
   */
  'filter'?: (_dlrs_v1_AttributeFilter | null);
  /**
   * Allow items the user has already interacted with (default: excluded).
   */
  'includeSeen'?: (boolean);
  /**
   * On RecommendStream only: the request's time budget in ms (0 = the server's default), at
   * most the configured maximum (default 10,000).
   */
  'timeoutMs'?: (number);
  /**
   * On RecommendStream only: this request's W3C trace context (keys `traceparent` and,
   * optionally, `tracestate`, values as in the HTTP headers), so that each request of a
   * long-lived stream joins the caller's trace of that request; without it the request's span
   * is a child of the stream's. Unary Recommend takes the context from the call's metadata.
   * At most 4 entries, keys of at most 64 bytes, values of at most 512 bytes.
   */
  'traceContext'?: ({[key: string]: string});
  /**
   * What the candidates are retrieved with; ranking always uses the user's e_u. Unset means
   * USER_NET for every user, stored or anonymous: the evaluation (docs/evaluation.md, "Query
   * modes") found no group for which another mode wins. MAP@10 of the served form (300
   * candidates, RankNet), MovieLens latest-small, mean ± sd over 3 seeds, USER_NET /
   * PSEUDO_USER / LAST_ITEM: users with 1 recent item 0.0429 ± 0.0012 / 0.0425 ± 0.0019 /
   * 0.0425 ± 0.0019; 3 items 0.0578 ± 0.0015 / 0.0569 ± 0.0016 / 0.0567 ± 0.0012; 10 items
   * 0.0621 ± 0.0023 / 0.0614 ± 0.0027 / 0.0600 ± 0.0028; anonymous contexts of 1 to 10 items
   * 0.0575 ± 0.0034 / 0.0567 ± 0.0028 / 0.0564 ± 0.0036. USER_NET is ahead in every group,
   * by less than one seed's spread; retrieval order alone it leads clearly (0.0575 against
   * 0.0440 and 0.0386 with 3 items).
   */
  'queryMode'?: (_dlrs_v1_QueryMode);
  /**
   * On RecommendStream only: a "more like this" request carried on the stream instead of a
   * recommendation, answered as the SimilarItems call answers it (errors name its fields under
   * `similar_items.`, e.g. `similar_items.item_ids`). When set, this message's request_id
   * correlates the answer (the inner request_id is ignored), timeout_ms and trace_context apply
   * as for a recommendation, and the other fields (user, k, candidates, exclude_ids, filter,
   * include_seen, query_mode) must be left unset: INVALID_ARGUMENT naming `similar_items`
   * otherwise. Unary Recommend refuses it (call SimilarItems). Clients that never set it see no
   * change on the wire.
   */
  'similarItems'?: (_dlrs_v1_SimilarItemsRequest | null);
  /**
   * Who to recommend for. Required: one of them.
   */
  'user'?: "userId"|"context";
}

/**
 * A recommendation request.
 */
export interface RecommendRequest__Output {
  /**
   * Caller's correlation id, echoed back, at most 256 bytes. Required on RecommendStream.
   */
  'requestId': (string);
  /**
   * A user with a stored profile (built from RecordInteractions / Session events), 1 to 256
   * bytes. An unknown user gets the most popular items, flagged degraded.
   */
  'userId'?: (string);
  /**
   * An anonymous user described by recent interactions.
   */
  'context'?: (_dlrs_v1_UserContext__Output | null);
  /**
   * Number of items to return, 1 to the configured maximum (default 10 when 0).
   */
  'k': (number);
  /**
   * Candidates retrieved before ranking, k to the configured maximum (default 300 when 0).
   */
  'candidates': (number);
  /**
   * Items never to return: at most the configured maximum (default 1,000), each 1 to 256 bytes.
   */
  'excludeIds': (string)[];
  /**
   * Only items that satisfy this filter.
   */
  'filter': (_dlrs_v1_AttributeFilter__Output | null);
  /**
   * Allow items the user has already interacted with (default: excluded).
   */
  'includeSeen': (boolean);
  /**
   * On RecommendStream only: the request's time budget in ms (0 = the server's default), at
   * most the configured maximum (default 10,000).
   */
  'timeoutMs': (number);
  /**
   * On RecommendStream only: this request's W3C trace context (keys `traceparent` and,
   * optionally, `tracestate`, values as in the HTTP headers), so that each request of a
   * long-lived stream joins the caller's trace of that request; without it the request's span
   * is a child of the stream's. Unary Recommend takes the context from the call's metadata.
   * At most 4 entries, keys of at most 64 bytes, values of at most 512 bytes.
   */
  'traceContext': ({[key: string]: string});
  /**
   * What the candidates are retrieved with; ranking always uses the user's e_u. Unset means
   * USER_NET for every user, stored or anonymous: the evaluation (docs/evaluation.md, "Query
   * modes") found no group for which another mode wins. MAP@10 of the served form (300
   * candidates, RankNet), MovieLens latest-small, mean ± sd over 3 seeds, USER_NET /
   * PSEUDO_USER / LAST_ITEM: users with 1 recent item 0.0429 ± 0.0012 / 0.0425 ± 0.0019 /
   * 0.0425 ± 0.0019; 3 items 0.0578 ± 0.0015 / 0.0569 ± 0.0016 / 0.0567 ± 0.0012; 10 items
   * 0.0621 ± 0.0023 / 0.0614 ± 0.0027 / 0.0600 ± 0.0028; anonymous contexts of 1 to 10 items
   * 0.0575 ± 0.0034 / 0.0567 ± 0.0028 / 0.0564 ± 0.0036. USER_NET is ahead in every group,
   * by less than one seed's spread; retrieval order alone it leads clearly (0.0575 against
   * 0.0440 and 0.0386 with 3 items).
   */
  'queryMode': (_dlrs_v1_QueryMode__Output);
  /**
   * On RecommendStream only: a "more like this" request carried on the stream instead of a
   * recommendation, answered as the SimilarItems call answers it (errors name its fields under
   * `similar_items.`, e.g. `similar_items.item_ids`). When set, this message's request_id
   * correlates the answer (the inner request_id is ignored), timeout_ms and trace_context apply
   * as for a recommendation, and the other fields (user, k, candidates, exclude_ids, filter,
   * include_seen, query_mode) must be left unset: INVALID_ARGUMENT naming `similar_items`
   * otherwise. Unary Recommend refuses it (call SimilarItems). Clients that never set it see no
   * change on the wire.
   */
  'similarItems': (_dlrs_v1_SimilarItemsRequest__Output | null);
  /**
   * Who to recommend for. Required: one of them.
   */
  'user'?: "userId"|"context";
}
