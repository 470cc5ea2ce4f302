import { ROOT_CONTEXT, context } from '@opentelemetry/api';
import { DlrsError } from '../../../shared/errors/index.js';
import { traceStreamCall } from '../../../shared/grpc/index.js';
import type { TraceContextCarrier } from '../../../shared/grpc/index.js';
import type { ErrorStatus__Output } from '../../../shared/generated/dlrs/v1/ErrorStatus.js';
import type { RankingClient } from '../../../shared/generated/dlrs/v1/Ranking.js';
import type { RankStreamRequest } from '../../../shared/generated/dlrs/v1/RankStreamRequest.js';
import type { RankStreamResponse__Output } from '../../../shared/generated/dlrs/v1/RankStreamResponse.js';
import type { RetrievalClient } from '../../../shared/generated/dlrs/v1/Retrieval.js';
import type { SearchRequest } from '../../../shared/generated/dlrs/v1/SearchRequest.js';
import type { SearchStreamResponse__Output } from '../../../shared/generated/dlrs/v1/SearchStreamResponse.js';
import type { CallBudget, RankingPort, RetrievalShardPort } from '../recommend/ports.js';
import { remainingMs } from './remaining-ms.js';
import { StreamMultiplexer } from './stream-multiplexer.js';
import type { StreamMultiplexerOptions } from './stream-multiplexer.js';
import { unaryRankingPort, unaryShardPort } from './unary-ports.js';

/** A port that holds a stream: close it at shutdown. */
export interface Closable {
  close(): void;
}

/** How a streaming port's stream is logged and timed. */
export type StreamPortOptions = Pick<StreamMultiplexerOptions<unknown, unknown>, 'logger' | 'reconnectDelayMs' | 'now'>;

/**
 * The ranking tier over one long-lived RankStream; while the stream is down (or breaks
 * under a request) the request goes as a unary call instead.
 */
export function streamingRankingPort(client: RankingClient, options: StreamPortOptions): RankingPort & Closable {
  const unary = unaryRankingPort(client);
  const now = options.now ?? Date.now;
  const stream = new StreamMultiplexer<RankStreamRequest, RankStreamResponse__Output>({
    ...options,
    name: 'ranking',
    open: () => outsideAnyTrace(() => client.RankStream()),
    requestIdOf: (response) => response.requestId,
  });
  return {
    embedUsers: (request, budget) =>
      viaStream(
        stream,
        '/dlrs.v1.Ranking/EmbedUsers',
        'RankStream',
        (traceContext) => stream.send((requestId) => ({ requestId, traceContext, embedUsers: { ...request, requestId, timeoutMs: remainingMs(budget, now) } }), budget),
        (response) => response.embedUsers ?? undefined,
        () => unary.embedUsers(request, budget),
        budget,
      ),
    rank: (request, budget) =>
      viaStream(
        stream,
        '/dlrs.v1.Ranking/Rank',
        'RankStream',
        (traceContext) => stream.send((requestId) => ({ requestId, traceContext, rank: { ...request, requestId, timeoutMs: remainingMs(budget, now) } }), budget),
        (response) => response.rank ?? undefined,
        () => unary.rank(request, budget),
        budget,
      ),
    close: () => stream.close(),
  };
}

/** One retrieval shard over one long-lived SearchStream, with unary calls while it is down. */
export function streamingShardPort(shard: number, client: RetrievalClient, options: StreamPortOptions): RetrievalShardPort & Closable {
  const now = options.now ?? Date.now;
  const unary = unaryShardPort(shard, client, now);
  const stream = new StreamMultiplexer<SearchRequest, SearchStreamResponse__Output>({
    ...options,
    name: `shard ${shard}`,
    open: () => outsideAnyTrace(() => client.SearchStream()),
    requestIdOf: (response) => response.requestId,
  });
  return {
    shard,
    search: (request, budget) =>
      viaStream(
        stream,
        '/dlrs.v1.Retrieval/Search',
        'SearchStream',
        (traceContext) => stream.send((requestId) => ({ ...request, requestId, traceContext, timeoutMs: remainingMs(budget, now) }), budget),
        (response) => response.response ?? undefined,
        () => unary.search(request, budget),
        budget,
      ),
    close: () => stream.close(),
  };
}

/**
 * One request over the stream, as a client span named like the unary method whose context
 * travels in the request (`trace_context`); the unary fallback makes its own client span.
 */
async function viaStream<Res extends { error?: ErrorStatus__Output | null }, T>(
  stream: Pick<StreamMultiplexer<unknown, unknown>, 'fellBack'>,
  path: string,
  streamName: string,
  send: (traceContext: TraceContextCarrier) => Promise<Res>,
  pick: (response: Res) => T | undefined,
  unary: () => Promise<T>,
  budget: CallBudget,
): Promise<T> {
  let response: Res;
  try {
    response = await traceStreamCall(path, streamName, send, (answer) => answer.error ?? undefined);
  } catch (error) {
    // The stream is down or broke: the same request as a unary call, within the same budget.
    if (error instanceof DlrsError && error.code === 'UNAVAILABLE' && !budget.signal.aborted) {
      stream.fellBack(error.message);
      return unary();
    }
    throw error;
  }
  if (response.error) throw DlrsError.fromStatus(response.error);
  const answer = pick(response);
  if (answer === undefined) throw new DlrsError('INTERNAL', 'the stream answered with the wrong kind of response');
  return answer;
}

// A long-lived stream opened inside a request would put its lifetime-long span into that
// request's trace; each request carries its own context instead (trace_context).
function outsideAnyTrace<T>(open: () => T): T {
  return context.with(ROOT_CONTEXT, open);
}
