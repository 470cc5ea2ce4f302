import { DlrsError } from '../../shared/errors/index.js';
import type { SearchRequest__Output } from '../../shared/generated/dlrs/v1/SearchRequest.js';
import type { SearchResponse } from '../../shared/generated/dlrs/v1/SearchResponse.js';
import type { SearchStreamResponse } from '../../shared/generated/dlrs/v1/SearchStreamResponse.js';
import type { CallContext, StreamWriter } from '../../shared/grpc/index.js';
import { streamErrorStatus } from '../../shared/grpc/index.js';
import type { Logger } from '../../shared/logging/index.js';

/** Settings of one SearchStream call. */
export interface SearchStreamOptions {
  /** Searches running at once on one stream; a request beyond them is answered RESOURCE_EXHAUSTED. */
  maxInFlight: number;
  logger: Logger;
  /** Aborted when the call ends: answers still running are dropped. */
  signal: AbortSignal;
  /** Runs one request with its own span and RPC metrics (the call context's streamRequest). */
  streamRequest: CallContext['streamRequest'];
}

/** Searches one request by the time it must be answered (ms since the epoch; Infinity = none). */
export type StreamSearch = (request: SearchRequest__Output, deadlineAtMs: number) => Promise<SearchResponse>;

/**
 * Serves one SearchStream call: requests run concurrently up to
 * `maxInFlight`, each under its own `timeout_ms` counted from its arrival,
 * and are answered by request_id in completion order. A failed, overloaded or
 * expired request gets its ErrorStatus and the stream goes on.
 */
export async function serveSearchStream(requests: AsyncIterable<SearchRequest__Output>, writer: StreamWriter<SearchStreamResponse>, search: StreamSearch, options: SearchStreamOptions): Promise<void> {
  const inFlight = new Set<string>();
  const writing = new Set<Promise<void>>();
  const send = async (answer: SearchStreamResponse): Promise<void> => {
    try {
      await writer.write(answer);
    } catch (error) {
      // The call is gone: nobody is left to answer.
      if (!options.signal.aborted) options.logger.warn({ err: error, requestId: answer.requestId }, 'could not write a SearchStream answer');
    }
  };
  const failure = (requestId: string, error: unknown): SearchStreamResponse => ({ requestId, error: streamErrorStatus(error, options.logger.child({ requestId })) });

  for await (const request of requests) {
    const arrivedMs = Date.now();
    const id = request.requestId;
    if (id === '') {
      await send(failure(id, new DlrsError('INVALID_ARGUMENT', 'is required on SearchStream', { field: 'request_id' })));
    } else if (inFlight.has(id)) {
      await send(failure(id, new DlrsError('INVALID_ARGUMENT', `${id} is already in flight on this stream`, { field: 'request_id' })));
    } else if (inFlight.size >= options.maxInFlight) {
      await send(failure(id, new DlrsError('RESOURCE_EXHAUSTED', `${inFlight.size} searches are in flight on this stream, the most allowed`)));
    } else {
      const deadlineAtMs = request.timeoutMs > 0 ? arrivedMs + request.timeoutMs : Number.POSITIVE_INFINITY;
      const answer = options.streamRequest(
        '/dlrs.v1.Retrieval/Search',
        request.traceContext,
        async (): Promise<SearchStreamResponse> => {
          try {
            return { requestId: id, response: await search(request, deadlineAtMs) };
          } catch (error) {
            return failure(id, error);
          }
        },
        (response) => response.error ?? undefined,
      );
      // A search stops counting once answered: the write may wait for the client's flow-control window.
      inFlight.add(id);
      const task = answer
        .catch((error: unknown) => failure(id, error))
        .then((response) => {
          inFlight.delete(id);
          return send(response);
        });
      writing.add(task);
      void task.finally(() => writing.delete(task));
    }
  }
  await Promise.all(writing);
}
