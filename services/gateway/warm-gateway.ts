import { performance } from 'node:perf_hooks';
import { DlrsError } from '../../shared/errors/index.js';
import type { Logger } from '../../shared/logging/index.js';
import type { PopularityTracker } from './popularity/index.js';
import { DEFAULT_CANDIDATES, DEFAULT_K, recommend } from './recommend/index.js';
import type { RankingPort, RecommendDeps, RecommendQuery, RetrievalShardPort } from './recommend/index.js';

/** The warm-up gives up after this long, so that readiness never waits long on tiers still starting. */
const WARMUP_BUDGET_MS = 5_000;
/** Each synthetic recommendation's deadline. */
const CALL_TIMEOUT_MS = 1_000;
/** When this many calls in a row fell back, the tiers are not up: the warm-up stops. */
const GIVE_UP_AFTER_FALLBACKS = 10;

/** What the warm-up sends through: the same ports (streams or unary) the gateway serves with. */
export interface WarmGatewayDeps {
  ranking: RankingPort;
  shards: readonly RetrievalShardPort[];
  popularity: PopularityTracker;
}

/**
 * Runs `calls` synthetic recommendations (an empty anonymous profile: UserNet → a search on
 * every shard → RankNet) through the gateway's own recommendation code and tier ports before
 * it turns SERVING, so that the first served requests find compiled code. Only that path is
 * run: no profile is read or written, no impression is logged or attributed, no metric counts
 * them. It stops early when the tiers do not answer, and after a few seconds in any case.
 */
export async function warmGateway(deps: WarmGatewayDeps, calls: number, logger: Logger): Promise<void> {
  if (calls === 0) return;
  const startedMs = performance.now();
  const notWarmed = (): Promise<never> => Promise.reject(new DlrsError('FAILED_PRECONDITION', 'not part of the warm-up'));
  const recommendDeps: RecommendDeps = {
    ranking: deps.ranking,
    shards: deps.shards,
    popularity: deps.popularity,
    itemFeatures: (itemIds) => Promise.resolve(new Map(itemIds.map((id) => [id, undefined]))),
    itemEmbeddings: notWarmed,
    embedItem: notWarmed,
  };
  let sent = 0;
  let answered = 0;
  let fallbacksInARow = 0;
  while (sent < calls && fallbacksInARow < GIVE_UP_AFTER_FALLBACKS && performance.now() - startedMs < WARMUP_BUDGET_MS) {
    const query: RecommendQuery = { requestId: `warm-up-${sent}`, profile: emptyProfile(), k: DEFAULT_K, candidates: DEFAULT_CANDIDATES, excludeIds: [], filter: undefined, includeSeen: false };
    sent += 1;
    const outcome = await recommend(recommendDeps, query, Date.now() + CALL_TIMEOUT_MS, new AbortController().signal).catch(() => undefined);
    if (outcome === undefined || outcome.degradedReasons.length > 0) fallbacksInARow += 1;
    else {
      fallbacksInARow = 0;
      answered += 1;
    }
  }
  logger.info({ calls: sent, answered, ms: Math.round(performance.now() - startedMs) }, answered > 0 ? 'gateway warmed up' : 'gateway warm-up found no tier answering');
}

/** An anonymous user with no history: UserNet still embeds it, and the whole path runs. */
function emptyProfile(): NonNullable<RecommendQuery['profile']> {
  return { userId: '', categorical: [], continuous: [], recentItems: [], totalWeight: 0, eventCount: 0, attributes: {}, updatedAtMs: 0 };
}
