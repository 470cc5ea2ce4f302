import type { RankStreamRequest__Output } from '../../../shared/generated/dlrs/v1/RankStreamRequest.js';
import type { RankStreamResponse } from '../../../shared/generated/dlrs/v1/RankStreamResponse.js';
import { DlrsError } from '../../../shared/errors/index.js';
import type { MultiplexedStreamOptions } from '../../../shared/grpc/index.js';
import type { SubmitOptions } from '../inference/micro-batcher.js';
import type { RankingService } from '../ranking-service.js';

/** Bounds of one RankStream call. */
export interface RankStreamLimits {
  /** The time budget of a request that names none (timeout_ms = 0). */
  defaultTimeoutMs: number;
  /** Requests in flight on one stream; beyond it the stream is read no further until one is answered. */
  maxInFlight: number;
}

const RANK_METHOD = '/dlrs.v1.Ranking/Rank';
const EMBED_USERS_METHOD = '/dlrs.v1.Ranking/EmbedUsers';

/**
 * RankStream as a multiplexed stream: Rank and EmbedUsers requests of the service `serving`
 * gives, each under its own `timeout_ms` (queued or running), with backpressure at the bound.
 */
export function rankStream(serving: () => RankingService, limits: RankStreamLimits): MultiplexedStreamOptions<RankStreamRequest__Output, RankStreamResponse> {
  return {
    stream: 'RankStream',
    overflow: 'wait',
    maxInFlight: limits.maxInFlight,
    defaultTimeoutMs: limits.defaultTimeoutMs,
    methodOf: (message) => (message.call === 'embedUsers' ? EMBED_USERS_METHOD : RANK_METHOD),
    timeoutMsOf: (message) => (message.call === 'embedUsers' ? message.embedUsers?.timeoutMs : message.rank?.timeoutMs) ?? 0,
    serve: async (message, deadlineAtMs, signal) => {
      const { requestId, rank, embedUsers } = message;
      if (message.call === 'rank' && rank) return { requestId, rank: await serving().rank({ ...rank, requestId }, submitOptions(deadlineAtMs, signal)) };
      if (message.call === 'embedUsers' && embedUsers) return { requestId, embedUsers: await serving().embedUsers({ ...embedUsers, requestId }, submitOptions(deadlineAtMs, signal)) };
      throw new DlrsError('INVALID_ARGUMENT', 'must hold rank or embed_users', { field: 'call' });
    },
  };
}

/**
 * A stream request's batcher options: its budget as a timeout, so that it fails with
 * DEADLINE_EXCEEDED when the budget passes, queued or running; and the stream's end.
 */
function submitOptions(deadlineAtMs: number, signal: AbortSignal): SubmitOptions {
  return Number.isFinite(deadlineAtMs) ? { signal, timeoutMs: Math.max(0, deadlineAtMs - Date.now()) } : { signal };
}
