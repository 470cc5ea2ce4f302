import type { Logger } from '../../shared/logging/index.js';
import type { RankStreamRequest__Output } from '../../shared/generated/dlrs/v1/RankStreamRequest.js';
import type { RankStreamResponse } from '../../shared/generated/dlrs/v1/RankStreamResponse.js';
import type { SubmitOptions } from './micro-batcher.js';
import { DlrsError } from '../../shared/errors/index.js';
import { streamErrorStatus } from '../../shared/grpc/index.js';
import type { CallContext } from '../../shared/grpc/index.js';
import type { RankingService } from './ranking-service.js';

/** The sending side of the stream; `write` waits while the transport's buffer is full. */
export interface ResponseWriter {
  write(message: RankStreamResponse): Promise<void>;
}

/** Settings of one RankStream call. */
export interface RankStreamOptions {
  /** Aborted when the call ends (cancel, deadline, shutdown): every request in flight is dropped. */
  signal: AbortSignal;
  /** The time budget of a request that names none (timeout_ms = 0). */
  defaultTimeoutMs: number;
  /** Requests in flight on one stream; beyond it the stream is read no further until one finishes. */
  maxInFlight: number;
  logger: Logger;
  /** Runs one request with its own span and RPC metrics (the call context's streamRequest). */
  streamRequest: CallContext['streamRequest'];
}

/**
 * Serves one RankStream call: requests are handled concurrently, correlated by request_id,
 * and answered in completion order. A failed request gets an ErrorStatus and the stream goes on.
 */
export async function serveRankStream(
  service: RankingService,
  requests: AsyncIterable<RankStreamRequest__Output>,
  writer: ResponseWriter,
  options: RankStreamOptions,
): Promise<void> {
  const inFlight = new Map<string, Promise<void>>();
  let slotFreed: (() => void) | undefined;
  const send = async (response: RankStreamResponse): Promise<void> => {
    try {
      await writer.write(response);
    } catch (error) {
      // The call is gone: nobody is left to answer.
      if (!options.signal.aborted) options.logger.warn({ err: error, requestId: response.requestId }, 'could not write a stream response');
    }
  };
  const fail = (requestId: string, error: unknown): Promise<void> => send({ requestId, error: streamErrorStatus(error, options.logger) });

  for await (const message of requests) {
    while (inFlight.size >= options.maxInFlight) await new Promise<void>((resolve) => (slotFreed = resolve));
    const id = message.requestId;
    if (id === '') {
      await fail('', new DlrsError('INVALID_ARGUMENT', 'is required', { field: 'request_id' }));
      continue;
    }
    if (inFlight.has(id)) {
      await fail(id, new DlrsError('INVALID_ARGUMENT', `${id} is already in flight on this stream`, { field: 'request_id' }));
      continue;
    }
    const task = handle(service, message, options).then(send, (error: unknown) => fail(id, error));
    inFlight.set(id, task);
    void task.then(() => {
      inFlight.delete(id);
      slotFreed?.();
      slotFreed = undefined;
    });
  }
  await Promise.all(inFlight.values());
}

/** Runs one request of the stream, in a span that continues the trace the request carries. */
async function handle(service: RankingService, message: RankStreamRequest__Output, options: RankStreamOptions): Promise<RankStreamResponse> {
  const { requestId, rank, embedUsers, traceContext } = message;
  if (message.call === 'rank' && rank) {
    return options.streamRequest('/dlrs.v1.Ranking/Rank', traceContext, async () => ({
      requestId,
      rank: await service.rank({ ...rank, requestId }, streamSubmit(rank.timeoutMs, options)),
    }));
  }
  if (message.call === 'embedUsers' && embedUsers) {
    return options.streamRequest('/dlrs.v1.Ranking/EmbedUsers', traceContext, async () => ({
      requestId,
      embedUsers: await service.embedUsers({ ...embedUsers, requestId }, streamSubmit(embedUsers.timeoutMs, options)),
    }));
  }
  throw new DlrsError('INVALID_ARGUMENT', 'must hold rank or embed_users', { field: 'call' });
}


/** A stream request's batcher options: its own time budget, and the stream's end. */
function streamSubmit(requestTimeoutMs: number, options: RankStreamOptions): SubmitOptions {
  return { signal: options.signal, timeoutMs: requestTimeoutMs > 0 ? requestTimeoutMs : options.defaultTimeoutMs };
}
