import type { SearchRequest__Output } from '../../../shared/generated/dlrs/v1/SearchRequest.js';
import type { SearchResponse } from '../../../shared/generated/dlrs/v1/SearchResponse.js';
import type { SearchStreamResponse } from '../../../shared/generated/dlrs/v1/SearchStreamResponse.js';
import type { MultiplexedStreamOptions } from '../../../shared/grpc/index.js';

/** Searches one request by the time it must be answered (ms since the epoch; Infinity = none). */
export type StreamSearch = (request: SearchRequest__Output, deadlineAtMs: number) => Promise<SearchResponse>;

const SEARCH_METHOD = '/dlrs.v1.Retrieval/Search';

/**
 * SearchStream as a multiplexed stream: up to `maxInFlight` searches at once per stream and a
 * request beyond them answered RESOURCE_EXHAUSTED at once, each under its own `timeout_ms` from
 * its arrival (none without one).
 */
export function searchStream(search: StreamSearch, maxInFlight: number): MultiplexedStreamOptions<SearchRequest__Output, SearchStreamResponse> {
  return {
    stream: 'SearchStream',
    overflow: 'reject',
    maxInFlight,
    defaultTimeoutMs: Number.POSITIVE_INFINITY,
    methodOf: () => SEARCH_METHOD,
    timeoutMsOf: (request) => request.timeoutMs,
    serve: async (request, deadlineAtMs) => ({ requestId: request.requestId, response: await search(request, deadlineAtMs) }),
  };
}
