import { callUnary } from '../../../shared/grpc/index.js';
import type { RankingClient } from '../../../shared/generated/dlrs/v1/Ranking.js';
import type { RetrievalClient } from '../../../shared/generated/dlrs/v1/Retrieval.js';
import type { RankingPort, RetrievalShardPort } from '../recommend/ports.js';
import { remainingMs } from './remaining-ms.js';

/** The ranking tier over unary calls (also the fallback of the streaming port). */
export function unaryRankingPort(client: RankingClient): RankingPort {
  return {
    embedUsers: (request, budget) => callUnary((metadata, options, callback) => client.EmbedUsers(request, metadata, options, callback), { signal: budget.signal, deadline: budget.deadlineMs }),
    rank: (request, budget) => callUnary((metadata, options, callback) => client.Rank(request, metadata, options, callback), { signal: budget.signal, deadline: budget.deadlineMs }),
  };
}

/**
 * One retrieval shard over unary calls (also the fallback of the streaming port). The request
 * carries the budget left as timeout_ms: the shard answers DEADLINE_EXCEEDED without searching
 * when it is too late, as on the stream.
 */
export function unaryShardPort(shard: number, client: RetrievalClient, now: () => number = Date.now): RetrievalShardPort {
  return {
    shard,
    search: (request, budget) =>
      callUnary((metadata, options, callback) => client.Search({ ...request, timeoutMs: remainingMs(budget, now) }, metadata, options, callback), { signal: budget.signal, deadline: budget.deadlineMs }),
  };
}
