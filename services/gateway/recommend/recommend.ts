import { DlrsError } from '../../../shared/errors/index.js';
import type { Item } from '../../../shared/features/index.js';
import type { AttributeFilter__Output } from '../../../shared/generated/dlrs/v1/AttributeFilter.js';
import type { DegradedReason__Output } from '../../../shared/generated/dlrs/v1/DegradedReason.js';
import type { Item__Output } from '../../../shared/generated/dlrs/v1/Item.js';
import type { RankRequest } from '../../../shared/generated/dlrs/v1/RankRequest.js';
import type { SearchResponse__Output } from '../../../shared/generated/dlrs/v1/SearchResponse.js';
import type { UserProfile } from '../../../shared/generated/dlrs/v1/UserProfile.js';
import type { Logger } from '../../../shared/logging/index.js';
import type { PopularityTracker } from '../popularity/index.js';
import { matchesFilter } from './matches-filter.js';
import { mergeCandidates } from './merge-candidates.js';
import type { MergedCandidates } from './merge-candidates.js';
import type { CallBudget, EmbeddedItem, ItemEmbeddings, RankingPort, RetrievalShardPort } from './ports.js';
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
  /**
   * SimilarItems: search with the mean e_i of these items instead of e_u (they must be in
   * excludeIds); the profile, when given, only ranks the neighbours.
   */
  similarTo?: readonly string[];
  /**
   * SimilarItems by features: search with ItemNet's e_i of this item (not in the catalog; its
   * id, when given, is in excludeIds); the profile, when given, only ranks the neighbours.
   */
  similarToItem?: Item__Output;
  /** Recommend's retrieval query (default USER_NET); ranking always uses e_u. */
  queryMode?: QueryModeName;
}

/** A retrieval query concept of Recommend. */
export type QueryModeName = 'USER_NET' | 'PSEUDO_USER' | 'LAST_ITEM';

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
  /** Public: stages, shard indexes and status codes only (`shard 1: UNAVAILABLE`), never a downstream message. */
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
  /** The ranking replica that answered holds the bundle's item embeddings of this version (EmbedUsersResponse.resolves_bundle_items). */
  resolvesBundleItems: boolean;
}

/** What the orchestration talks to. */
export interface RecommendDeps {
  ranking: RankingPort;
  shards: readonly RetrievalShardPort[];
  popularity: PopularityTracker;
  /** Raw features by item id (the item-feature cache; undefined = not in the catalog), to check and filter popular items. */
  itemFeatures: (itemIds: readonly string[]) => Promise<ReadonlyMap<string, Item['features'] | undefined>>;
  /** Stored e_i by item id (SimilarItems' query). */
  itemEmbeddings: (itemIds: readonly string[], budget: CallBudget) => Promise<ItemEmbeddings>;
  /** ItemNet's e_i of an item by its raw features (SimilarItems' query by features). */
  embedItem: (item: Item__Output, budget: CallBudget) => Promise<EmbeddedItem>;
  stageShares?: StageShares;
  /** Counts each degraded mode once per request (metrics). */
  onDegraded?: (reason: DegradedReasonName) => void;
  /** Gets the full cause of each fallback (downstream messages, addresses), which the answer leaves out. */
  logger?: Logger;
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
  const degraded = new DegradedModes(deps.onDegraded, deps.logger, query.requestId);
  const popular = async (): Promise<RecommendOutcome> => {
    degraded.add('POPULAR_FALLBACK', 'popular items');
    // Filtering popular items may fetch item features: within the stages' share, like a Rank.
    const items = await popularItems(deps, query, stageEnd(shares.embed + shares.search + shares.rank), signal, now);
    return { items, modelVersion: '', ...degraded.summary() };
  };

  const profile = query.profile;
  let search: UserEmbedding | undefined;
  let user: UserEmbedding | undefined;
  if (query.similarTo !== undefined || query.similarToItem !== undefined) {
    search =
      query.similarToItem !== undefined ? await featuresQuery(deps, query.similarToItem, stageEnd(shares.embed), signal, now) : await itemsQuery(deps, query.similarTo ?? [], stageEnd(shares.embed), signal, now);
    if (search === undefined) throw new DlrsError('INTERNAL', 'no query item was found');
    if (profile !== undefined) {
      try {
        user = await embedUser(deps, query.requestId, profile, stageEnd(shares.embed), signal, now);
      } catch (error) {
        rethrowIfCancelled(signal);
        degraded.add('RANKING_UNAVAILABLE', 'embed users', error);
      }
    }
  } else {
    if (profile === undefined) return popular();
    try {
      user = await embedUser(deps, query.requestId, profile, stageEnd(shares.embed), signal, now);
    } catch (error) {
      rethrowIfCancelled(signal);
      degraded.add('RANKING_UNAVAILABLE', 'embed users', error);
      return popular();
    }
    search = (await recentItemsQuery(deps, query.queryMode ?? 'USER_NET', profile, stageEnd(shares.embed), signal, now)) ?? user;
  }

  const seen = query.includeSeen || profile === undefined ? [] : profile.recentItems?.map((item) => item.itemId ?? '') ?? [];
  const searchRequest = {
    requestId: query.requestId,
    modelVersion: search.modelVersion,
    dim: search.dim,
    queries: search.embedding,
    k: candidatesPerShard(query.candidates, deps.shards.length),
    excludeIds: [...new Set([...query.excludeIds, ...seen])],
    filter: query.filter,
    includeEmbeddings: true,
    // Ranking reads the bundle's own rows from its table by row number; the shards ship only the rows changed since.
    omitBundleEmbeddings: user?.resolvesBundleItems === true && user.modelVersion === search.modelVersion,
  };
  const searchEnd = stageEnd(shares.embed + shares.search);
  const answers = await Promise.allSettled(deps.shards.map((shard) => runStage(`search shard ${shard.shard}`, searchEnd, signal, (budget) => shard.search(searchRequest, budget), now())));
  const results = [];
  for (const [i, answer] of answers.entries()) {
    const problem = answer.status === 'rejected' ? answer.reason : mismatch(answer.value, search.modelVersion, search.dim);
    if (problem === undefined && answer.status === 'fulfilled') {
      results.push(answer.value.results[0]);
      continue;
    }
    rethrowCallerFault(problem, signal);
    degraded.add('SHARD_UNAVAILABLE', `shard ${deps.shards[i].shard}`, problem);
  }
  if (results.length === 0) return popular();
  const candidates = mergeCandidates(results, search.dim, query.candidates);
  if (candidates.itemIds.length === 0) return { items: [], modelVersion: search.modelVersion, ...degraded.summary() };
  if (user === undefined) return { items: retrievalOrder(candidates, query.k), modelVersion: search.modelVersion, ...degraded.summary() };

  try {
    const ranked = await runStage('rank', stageEnd(shares.embed + shares.search + shares.rank), signal, (budget) => deps.ranking.rank(rankRequest(query, user, candidates), budget), now());
    return { items: rankedItems(ranked.scores, ranked.order, candidates, query.k), modelVersion: user.modelVersion, ...degraded.summary() };
  } catch (error) {
    rethrowIfCancelled(signal);
    degraded.add('RANKING_UNAVAILABLE', 'rank', error);
    return { items: retrievalOrder(candidates, query.k), modelVersion: search.modelVersion, ...degraded.summary() };
  }
}

async function embedUser(deps: RecommendDeps, requestId: string, profile: UserProfile, deadlineMs: number, signal: AbortSignal, now: () => number): Promise<UserEmbedding> {
  const response = await runStage('embed users', deadlineMs, signal, (budget) => deps.ranking.embedUsers({ requestId, profiles: [profile] }, budget), now());
  if (response.count !== 1 || response.dim < 1 || response.embeddings.length !== 4 * response.dim || response.biases.length !== 4) {
    throw new DlrsError('INTERNAL', `embed users answered ${response.count} rows of dimension ${response.dim} in ${response.embeddings.length} bytes`);
  }
  return { modelVersion: response.modelVersion, dim: response.dim, embedding: response.embeddings, bias: response.biases, resolvesBundleItems: response.resolvesBundleItems };
}

/**
 * SimilarItems' query: the mean of the stored e_i of the given items. Under an inner-product
 * index the mean ranks as the sum of each item's similarities. An unknown id is NOT_FOUND
 * naming it; a catalog that cannot answer fails the request (there is no fallback query).
 */
async function itemsQuery(
  deps: RecommendDeps,
  itemIds: readonly string[],
  deadlineMs: number,
  signal: AbortSignal,
  now: () => number,
  weights: readonly number[] = itemIds.map(() => 1),
  skipMissing = false,
): Promise<UserEmbedding | undefined> {
  let stored: ItemEmbeddings;
  try {
    stored = await runStage('item embeddings', deadlineMs, signal, (budget) => deps.itemEmbeddings(itemIds, budget), now());
  } catch (error) {
    rethrowIfCancelled(signal);
    throw new DlrsError('UNAVAILABLE', `the query items' embeddings could not be fetched (${DlrsError.from(error).code})`, { cause: error });
  }
  const { dim } = stored;
  const mean = new Float32Array(dim);
  let total = 0;
  for (const [i, itemId] of itemIds.entries()) {
    const embedding = stored.embeddings.get(itemId);
    if (embedding === undefined && skipMissing) continue;
    if (embedding === undefined) throw new DlrsError('NOT_FOUND', `item '${itemId}' is not in the catalog`, { field: `item_ids[${i}]` });
    if (embedding.length !== 4 * dim) throw new DlrsError('INTERNAL', `item '${itemId}' has ${embedding.length} embedding bytes for dimension ${dim}`);
    for (let j = 0; j < dim; j++) mean[j] += weights[i] * embedding.readFloatLE(4 * j);
    total += weights[i];
  }
  if (total === 0) return undefined;
  for (let j = 0; j < dim; j++) mean[j] /= total;
  return { modelVersion: stored.modelVersion, dim, embedding: Buffer.from(mean.buffer), bias: Buffer.alloc(4), resolvesBundleItems: false };
}

/**
 * SimilarItems' query by features: ItemNet's e_i of the item, from one shard. Every shard is
 * then searched under the version that embedded it, so that a shard serving another version
 * mid-rollout is left out (SHARD_UNAVAILABLE) rather than mixed in. A failure fails the
 * request: there is no fallback query; a shard's INVALID_ARGUMENT (a feature it does not
 * know) reaches the caller as such.
 */
async function featuresQuery(deps: RecommendDeps, item: Item__Output, deadlineMs: number, signal: AbortSignal, now: () => number): Promise<UserEmbedding> {
  let embedded: EmbeddedItem;
  try {
    embedded = await runStage('embed items', deadlineMs, signal, (budget) => deps.embedItem(item, budget), now());
  } catch (error) {
    rethrowCallerFault(error, signal);
    throw new DlrsError('UNAVAILABLE', `the query item could not be embedded (${DlrsError.from(error).code})`, { cause: error });
  }
  if (embedded.dim < 1 || embedded.embedding.length !== 4 * embedded.dim) throw new DlrsError('INTERNAL', `embed items answered ${embedded.embedding.length} bytes for dimension ${embedded.dim}`);
  return { modelVersion: embedded.modelVersion, dim: embedded.dim, embedding: embedded.embedding, bias: Buffer.alloc(4), resolvesBundleItems: false };
}

/**
 * PSEUDO_USER and LAST_ITEM: the query from the profile's recent items (newest first), items no
 * longer in the catalog skipped. Undefined (search with e_u) for USER_NET, without recent
 * items, or when the catalog cannot give their embeddings in time: the user still gets an
 * answer from UserNet rather than an error.
 */
async function recentItemsQuery(deps: RecommendDeps, mode: QueryModeName, profile: UserProfile, deadlineMs: number, signal: AbortSignal, now: () => number): Promise<UserEmbedding | undefined> {
  const recent = (profile.recentItems ?? []).map((item) => item.itemId ?? '').filter((id) => id !== '');
  if (mode === 'USER_NET' || recent.length === 0) return undefined;
  const itemIds = mode === 'LAST_ITEM' ? recent.slice(0, 1) : recent;
  try {
    return await itemsQuery(deps, itemIds, deadlineMs, signal, now, itemIds.map((_, position) => 2 ** -position), true);
  } catch (error) {
    rethrowIfCancelled(signal);
    deps.logger?.warn({ err: error, mode }, 'recent items embeddings unavailable; searching with e_u');
    return undefined;
  }
}

function retrievalOrder(candidates: MergedCandidates, k: number): RecommendedItem[] {
  const best = candidates.itemIds.map((_, i) => i).sort((a, b) => candidates.similarities[b] - candidates.similarities[a]);
  return best.slice(0, k).map((i) => ({ itemId: candidates.itemIds[i], score: candidates.similarities[i], similarity: candidates.similarities[i] }));
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
    // Ranking answers by candidate position, so the ids stay here: the row numbers are all it needs.
    ...(candidates.bundleRows === undefined ? {} : { bundleRows: candidates.bundleRows }),
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

/**
 * The degraded modes of one request: each reason once, with public details (where and which
 * status code); the cause, which may hold downstream messages and addresses, goes to the log,
 * whose lines carry the request's trace id.
 */
class DegradedModes {
  private readonly reasons = new Set<DegradedReasonName>();
  private readonly details: string[] = [];

  constructor(
    private readonly onDegraded: ((reason: DegradedReasonName) => void) | undefined,
    private readonly logger: Logger | undefined,
    private readonly requestId: string,
  ) {}

  /** `where` names the stage or shard; `cause` (what failed there) is logged, only its code is shown. */
  add(reason: DegradedReasonName, where: string, cause?: unknown): void {
    if (!this.reasons.has(reason)) {
      this.reasons.add(reason);
      this.onDegraded?.(reason);
    }
    if (cause === undefined) {
      this.details.push(where);
      return;
    }
    const code = DlrsError.from(cause).code;
    this.details.push(`${where}: ${code}`);
    this.logger?.warn({ err: cause, reason, where, code, requestId: this.requestId }, 'answer degraded');
  }

  summary(): { degradedReasons: DegradedReasonName[]; degradedDetail: string } {
    return { degradedReasons: [...this.reasons], degradedDetail: this.details.join('; ') };
  }
}
