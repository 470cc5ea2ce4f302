import { DlrsError } from '../../../shared/errors/index.js';
import type { Item } from '../../../shared/features/index.js';
import type { AttributeFilter__Output } from '../../../shared/generated/dlrs/v1/AttributeFilter.js';
import type { DegradedReason__Output } from '../../../shared/generated/dlrs/v1/DegradedReason.js';
import type { RankRequest } from '../../../shared/generated/dlrs/v1/RankRequest.js';
import type { SearchResponse__Output } from '../../../shared/generated/dlrs/v1/SearchResponse.js';
import type { UserProfile } from '../../../shared/generated/dlrs/v1/UserProfile.js';
import type { PopularityTracker } from '../popularity/index.js';
import { matchesFilter } from './matches-filter.js';
import { mergeCandidates } from './merge-candidates.js';
import type { MergedCandidates } from './merge-candidates.js';
import type { RankingPort, RetrievalShardPort } from './ports.js';
import { candidatesPerShard } from './shard-candidates.js';
import { DEFAULT_STAGE_SHARES, runStage } from './stage-budget.js';
import type { StageShares } from './stage-budget.js';

/** A validated recommendation request, its user resolved. */
export interface RecommendQuery {
  requestId: string;
  /** The UserNet input; undefined for an unknown user without context (popular fallback). */
  profile: UserProfile | undefined;
  k: number;
  candidates: number;
  excludeIds: readonly string[];
  filter: AttributeFilter__Output | undefined;
  /** Allow the items of the profile's bag of recent items. */
  includeSeen: boolean;
}

/** One recommended item. */
export interface RecommendedItem {
  itemId: string;
  /** RankNet's score; the similarity in retrieval order; the normalised popularity in the popular fallback. */
  score: number;
  similarity: number;
}

/** A degraded mode (not UNSPECIFIED). */
export type DegradedReasonName = Exclude<DegradedReason__Output, 'DEGRADED_REASON_UNSPECIFIED'>;

/** The answer before it becomes a RecommendResponse. */
export interface RecommendOutcome {
  items: RecommendedItem[];
  /** Empty when no model was involved (popular fallback). */
  modelVersion: string;
  degradedReasons: DegradedReasonName[];
  degradedDetail: string;
}

/** The user's e_u and b_u as UserNet answered them. */
interface UserEmbedding {
  modelVersion: string;
  dim: number;
  /** d little-endian float32. */
  embedding: Buffer;
  /** b_u as 4 little-endian bytes. */
  bias: Buffer;
}

/** What the orchestration talks to. */
export interface RecommendDeps {
  ranking: RankingPort;
  shards: readonly RetrievalShardPort[];
  popularity: PopularityTracker;
  /** Raw features by item id (the item-feature cache; undefined = not in the catalog), to check and filter popular items. */
  itemFeatures: (itemIds: readonly string[]) => Promise<ReadonlyMap<string, Item['features'] | undefined>>;
  stageShares?: StageShares;
  /** Counts each degraded mode once per request (metrics). */
  onDegraded?: (reason: DegradedReasonName) => void;
  now?: () => number;
}

/**
 * Popular items are checked against the catalog and filtered by the gateway itself; this many
 * times k are looked at, so that a filter matching one item in ten, or items deleted behind
 * the gateway's back, still leave a full answer.
 */
export const POPULAR_OVERFETCH = 10;

/**
 * EmbedUsers → Search on every shard in parallel (each for its share of the candidates, see
 * candidatesPerShard) → merge by similarity → Rank → top k, each
 * stage within its share of the deadline. Degraded modes instead of errors: ranking down or
 * late → retrieval order (or popular items when UserNet itself failed); a shard down → the
 * others' candidates; no shard → popular; no user → popular. A shard's INVALID_ARGUMENT
 * (the caller's filter or exclusions) fails the request.
 */
export async function recommend(deps: RecommendDeps, query: RecommendQuery, deadlineMs: number, signal: AbortSignal): Promise<RecommendOutcome> {
  const now = deps.now ?? Date.now;
  const shares = deps.stageShares ?? DEFAULT_STAGE_SHARES;
  const startMs = now();
  const stageEnd = (cumulativeShare: number): number => startMs + (deadlineMs - startMs) * cumulativeShare;
  const degraded = new DegradedModes(deps.onDegraded);
  const popular = async (): Promise<RecommendOutcome> => {
    degraded.add('POPULAR_FALLBACK', 'popular items');
    // Filtering popular items may fetch item features: within the stages' share, like a Rank.
    const items = await popularItems(deps, query, stageEnd(shares.embed + shares.search + shares.rank), signal, now);
    return { items, modelVersion: '', ...degraded.summary() };
  };

  const profile = query.profile;
  if (profile === undefined) return popular();

  let user: UserEmbedding;
  try {
    const response = await runStage('embed users', stageEnd(shares.embed), signal, (budget) => deps.ranking.embedUsers({ requestId: query.requestId, profiles: [profile] }, budget), now());
    if (response.count !== 1 || response.dim < 1 || response.embeddings.length !== 4 * response.dim || response.biases.length !== 4) {
      throw new DlrsError('INTERNAL', `embed users answered ${response.count} rows of dimension ${response.dim} in ${response.embeddings.length} bytes`);
    }
    user = { modelVersion: response.modelVersion, dim: response.dim, embedding: response.embeddings, bias: response.biases };
  } catch (error) {
    rethrowIfCancelled(signal);
    degraded.add('RANKING_UNAVAILABLE', `embed users: ${describe(error)}`);
    return popular();
  }

  const seen = query.includeSeen ? [] : profile.recentItems?.map((item) => item.itemId ?? '') ?? [];
  const searchRequest = {
    requestId: query.requestId,
    modelVersion: user.modelVersion,
    dim: user.dim,
    queries: user.embedding,
    k: candidatesPerShard(query.candidates, deps.shards.length),
    excludeIds: [...new Set([...query.excludeIds, ...seen])],
    filter: query.filter,
    includeEmbeddings: true,
  };
  const searchEnd = stageEnd(shares.embed + shares.search);
  const answers = await Promise.allSettled(deps.shards.map((shard) => runStage(`search shard ${shard.shard}`, searchEnd, signal, (budget) => shard.search(searchRequest, budget), now())));
  const results = [];
  for (const [i, answer] of answers.entries()) {
    const problem = answer.status === 'rejected' ? answer.reason : mismatch(answer.value, user.modelVersion, user.dim);
    if (problem === undefined && answer.status === 'fulfilled') {
      results.push(answer.value.results[0]);
      continue;
    }
    rethrowCallerFault(problem, signal);
    degraded.add('SHARD_UNAVAILABLE', `shard ${deps.shards[i].shard}: ${describe(problem)}`);
  }
  if (results.length === 0) return popular();
  const candidates = mergeCandidates(results, user.dim, query.candidates);
  if (candidates.itemIds.length === 0) return { items: [], modelVersion: user.modelVersion, ...degraded.summary() };

  try {
    const ranked = await runStage('rank', stageEnd(shares.embed + shares.search + shares.rank), signal, (budget) => deps.ranking.rank(rankRequest(query, user, candidates), budget), now());
    return { items: rankedItems(ranked.scores, ranked.order, candidates, query.k), modelVersion: user.modelVersion, ...degraded.summary() };
  } catch (error) {
    rethrowIfCancelled(signal);
    degraded.add('RANKING_UNAVAILABLE', `rank: ${describe(error)}`);
    const best = candidates.itemIds.map((_, i) => i).sort((a, b) => candidates.similarities[b] - candidates.similarities[a]);
    const items = best.slice(0, query.k).map((i) => ({ itemId: candidates.itemIds[i], score: candidates.similarities[i], similarity: candidates.similarities[i] }));
    return { items, modelVersion: user.modelVersion, ...degraded.summary() };
  }
}

function rankRequest(query: RecommendQuery, user: UserEmbedding, candidates: MergedCandidates): RankRequest {
  return {
    requestId: query.requestId,
    modelVersion: user.modelVersion,
    dim: user.dim,
    userEmbedding: user.embedding,
    userBias: user.bias.readFloatLE(0),
    itemEmbeddings: candidates.embeddings,
    itemBiases: candidates.biases,
    topK: query.k,
  };
}

function rankedItems(scores: Buffer, order: readonly number[], candidates: MergedCandidates, k: number): RecommendedItem[] {
  const count = candidates.itemIds.length;
  if (scores.length !== 4 * count) throw new DlrsError('INTERNAL', `rank answered ${scores.length / 4} scores for ${count} candidates`);
  const indices = order.length > 0 ? order : candidates.itemIds.map((_, i) => i).sort((a, b) => scores.readFloatLE(4 * b) - scores.readFloatLE(4 * a));
  return indices.slice(0, k).map((i) => {
    if (!(i >= 0 && i < count)) throw new DlrsError('INTERNAL', `rank answered candidate index ${i} of ${count}`);
    return { itemId: candidates.itemIds[i], score: scores.readFloatLE(4 * i), similarity: candidates.similarities[i] };
  });
}

// Only items the catalog has right now: popularity may remember an item deleted behind the
// gateway's back (on a shard directly) or counted before a restart from an older log. Those
// are forgotten as they are found, so that they stop taking the places of items that exist.
async function popularItems(deps: RecommendDeps, query: RecommendQuery, deadlineMs: number, signal: AbortSignal, now: () => number): Promise<RecommendedItem[]> {
  const excluded = new Set(query.excludeIds);
  const candidates = deps.popularity.top(POPULAR_OVERFETCH * query.k, (itemId) => excluded.has(itemId));
  if (candidates.length === 0) return [];
  const features = await runStage('item features', deadlineMs, signal, () => deps.itemFeatures(candidates.map((p) => p.itemId)), now());
  const filter = query.filter !== undefined && query.filter.clauses.length > 0 ? query.filter : undefined;
  const top = candidates.filter((p) => {
    const itemFeatures = features.get(p.itemId);
    if (itemFeatures === undefined) deps.popularity.remove(p.itemId);
    return itemFeatures !== undefined && (filter === undefined || matchesFilter(itemFeatures, filter));
  });
  const best = top[0]?.score ?? 1;
  return top.slice(0, query.k).map((p) => ({ itemId: p.itemId, score: p.score / best, similarity: 0 }));
}

function mismatch(response: SearchResponse__Output, modelVersion: string, dim: number): DlrsError | undefined {
  if (response.modelVersion !== modelVersion) return new DlrsError('FAILED_PRECONDITION', `serves model ${response.modelVersion}, the user embedding is of ${modelVersion}`);
  if (response.dim !== dim || response.results.length !== 1) return new DlrsError('INTERNAL', `answered ${response.results.length} results of dimension ${response.dim}`);
  return undefined;
}

function rethrowIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new DlrsError('CANCELLED', 'the request was cancelled');
}

// A shard's INVALID_ARGUMENT is about what the caller sent (filter, exclusions) and is
// reported to the caller rather than hidden behind a fallback. Ranking only ever sees what
// the gateway built, so its rejections degrade instead.
function rethrowCallerFault(error: unknown, signal: AbortSignal): void {
  rethrowIfCancelled(signal);
  if (error instanceof DlrsError && error.code === 'INVALID_ARGUMENT') throw error;
}

function describe(error: unknown): string {
  const dlrs = DlrsError.from(error);
  return dlrs.code === 'INTERNAL' && !(error instanceof DlrsError) ? 'internal error' : `${dlrs.code}: ${dlrs.message}`;
}

/** The degraded modes of one request: each reason once, with its details. */
class DegradedModes {
  private readonly reasons = new Set<DegradedReasonName>();
  private readonly details: string[] = [];

  constructor(private readonly onDegraded: ((reason: DegradedReasonName) => void) | undefined) {}

  add(reason: DegradedReasonName, detail: string): void {
    if (!this.reasons.has(reason)) {
      this.reasons.add(reason);
      this.onDegraded?.(reason);
    }
    this.details.push(detail);
  }

  summary(): { degradedReasons: DegradedReasonName[]; degradedDetail: string } {
    return { degradedReasons: [...this.reasons], degradedDetail: this.details.join('; ') };
  }
}
