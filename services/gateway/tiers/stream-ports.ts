import { ROOT_CONTEXT, context } from '@opentelemetry/api';
import { DlrsError, ERROR_FIELD_METADATA_KEY } from '../../../shared/errors/index.js';
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
import { StreamMultiplexer } from './stream-multiplexer.js';
import type { StreamMultiplexerOptions } from './stream-multiplexer.js';
import { unaryRankingPort, unaryShardPort } from './unary-ports.js';

/** A port that holds a stream: close it at shutdown. */
export interface Closable {
  close(): void;
}

type StreamTuning = Pick<StreamMultiplexerOptions<unknown, unknown>, 'reconnectDelayMs' | 'now'>;

/**
 * The ranking tier over one long-lived RankStream; while the stream is down (or breaks
 * under a request) the request goes as a unary call instead.
 */
export function streamingRankingPort(client: RankingClient, tuning: StreamTuning = {}): RankingPort & Closable {
  const unary = unaryRankingPort(client);
  const stream = new StreamMultiplexer<RankStreamRequest, RankStreamResponse__Output>({
    ...tuning,
    name: 'ranking',
    open: () => outsideAnyTrace(() => client.RankStream()),
    requestIdOf: (response) => response.requestId,
  });
  return {
    embedUsers: (request, budget) =>
      viaStream(
        '/dlrs.v1.Ranking/EmbedUsers',
        'RankStream',
        (traceContext) => stream.send((requestId) => ({ requestId, traceContext, embedUsers: { ...request, requestId, timeoutMs: remainingMs(budget) } }), budget),
        (response) => response.embedUsers ?? undefined,
        () => unary.embedUsers(request, budget),
        budget,
      ),
    rank: (request, budget) =>
      viaStream(
        '/dlrs.v1.Ranking/Rank',
        'RankStream',
        (traceContext) => stream.send((requestId) => ({ requestId, traceContext, rank: { ...request, requestId, timeoutMs: remainingMs(budget) } }), budget),
        (response) => response.rank ?? undefined,
        () => unary.rank(request, budget),
        budget,
      ),
    close: () => stream.close(),
  };
}

/** One retrieval shard over one long-lived SearchStream, with unary calls while it is down. */
export function streamingShardPort(shard: number, client: RetrievalClient, tuning: StreamTuning = {}): RetrievalShardPort & Closable {
  const unary = unaryShardPort(shard, client);
  const stream = new StreamMultiplexer<SearchRequest, SearchStreamResponse__Output>({
    ...tuning,
    name: `shard ${shard}`,
    open: () => outsideAnyTrace(() => client.SearchStream()),
    requestIdOf: (response) => response.requestId,
  });
  return {
    shard,
    search: (request, budget) =>
      viaStream(
        '/dlrs.v1.Retrieval/Search',
        'SearchStream',
        (traceContext) => stream.send((requestId) => ({ ...request, requestId, traceContext, timeoutMs: remainingMs(budget) }), budget),
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
    if (error instanceof DlrsError && error.code === 'UNAVAILABLE' && !budget.signal.aborted) return unary();
    throw error;
  }
  if (response.error) throw errorFromStatus(response.error);
  const answer = pick(response);
  if (answer === undefined) throw new DlrsError('INTERNAL', 'the stream answered with the wrong kind of response');
  return answer;
}

function errorFromStatus(status: ErrorStatus__Output): DlrsError {
  const field = status.field === '' ? [] : [status.field];
  return DlrsError.fromGrpc({ code: status.code, details: status.message, metadata: { get: (key) => (key === ERROR_FIELD_METADATA_KEY ? field : []) } });
}

// A long-lived stream opened inside a request would put its lifetime-long span into that
// request's trace; each request carries its own context instead (trace_context).
function outsideAnyTrace<T>(open: () => T): T {
  return context.with(ROOT_CONTEXT, open);
}

// The stream request carries the budget left, so that the tier drops it when it is too late.
function remainingMs(budget: CallBudget): number {
  return Math.max(1, Math.ceil(budget.deadlineMs - Date.now()));
}
