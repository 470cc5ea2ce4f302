import { DlrsError, ERROR_FIELD_METADATA_KEY } from '../../../shared/errors/index.js';
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
    open: () => client.RankStream(),
    requestIdOf: (response) => response.requestId,
  });
  return {
    embedUsers: (request, budget) =>
      viaStream(
        () => stream.send((requestId) => ({ requestId, embedUsers: { ...request, requestId, timeoutMs: remainingMs(budget) } }), budget),
        (response) => response.embedUsers ?? undefined,
        () => unary.embedUsers(request, budget),
        budget,
      ),
    rank: (request, budget) =>
      viaStream(
        () => stream.send((requestId) => ({ requestId, rank: { ...request, requestId, timeoutMs: remainingMs(budget) } }), budget),
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
    open: () => client.SearchStream(),
    requestIdOf: (response) => response.requestId,
  });
  return {
    shard,
    search: (request, budget) =>
      viaStream(
        () => stream.send((requestId) => ({ ...request, requestId, timeoutMs: remainingMs(budget) }), budget),
        (response) => response.response ?? undefined,
        () => unary.search(request, budget),
        budget,
      ),
    close: () => stream.close(),
  };
}

async function viaStream<Res extends { error?: ErrorStatus__Output | null }, T>(
  send: () => Promise<Res>,
  pick: (response: Res) => T | undefined,
  unary: () => Promise<T>,
  budget: CallBudget,
): Promise<T> {
  let response: Res;
  try {
    response = await send();
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

// The stream request carries the budget left, so that the tier drops it when it is too late.
function remainingMs(budget: CallBudget): number {
  return Math.max(1, Math.ceil(budget.deadlineMs - Date.now()));
}
