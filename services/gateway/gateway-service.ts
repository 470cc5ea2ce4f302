import { DlrsError } from '../../shared/errors/index.js';
import type { FeatureSpec, Item } from '../../shared/features/index.js';
import { profileToMessage } from '../../shared/features/index.js';
import type { Logger } from '../../shared/logging/index.js';
import type { MetricsRegistry } from '../../shared/metrics/index.js';
import { bidi, serveMultiplexedStream, unary } from '../../shared/grpc/index.js';
import type { CallContext, MultiplexedStreamOptions, ServiceImplementation, StreamWriter } from '../../shared/grpc/index.js';
import type { DeleteItemsRequest__Output } from '../../shared/generated/dlrs/v1/DeleteItemsRequest.js';
import type { DeleteItemsResponse } from '../../shared/generated/dlrs/v1/DeleteItemsResponse.js';
import type { DeleteProfileRequest__Output } from '../../shared/generated/dlrs/v1/DeleteProfileRequest.js';
import type { DeleteProfileResponse } from '../../shared/generated/dlrs/v1/DeleteProfileResponse.js';
import type { GetProfileRequest__Output } from '../../shared/generated/dlrs/v1/GetProfileRequest.js';
import type { Item__Output as ItemMessage } from '../../shared/generated/dlrs/v1/Item.js';
import type { RecommendRequest__Output } from '../../shared/generated/dlrs/v1/RecommendRequest.js';
import type { SimilarItemsRequest__Output } from '../../shared/generated/dlrs/v1/SimilarItemsRequest.js';
import type { RecommendResponse } from '../../shared/generated/dlrs/v1/RecommendResponse.js';
import type { RecommendStreamResponse } from '../../shared/generated/dlrs/v1/RecommendStreamResponse.js';
import type { RecordInteractionsRequest__Output } from '../../shared/generated/dlrs/v1/RecordInteractionsRequest.js';
import type { RecordInteractionsResponse } from '../../shared/generated/dlrs/v1/RecordInteractionsResponse.js';
import type { SessionRequest__Output } from '../../shared/generated/dlrs/v1/SessionRequest.js';
import type { SessionResponse } from '../../shared/generated/dlrs/v1/SessionResponse.js';
import type { UpsertItemsRequest__Output } from '../../shared/generated/dlrs/v1/UpsertItemsRequest.js';
import type { UpsertItemsResponse } from '../../shared/generated/dlrs/v1/UpsertItemsResponse.js';
import type { UserProfile } from '../../shared/generated/dlrs/v1/UserProfile.js';
import type { InteractionLogWriter } from '../../shared/interaction-log/index.js';
import { checkItem, requireId } from './field-limits/index.js';
import { parseInteraction, parseUserEvents, recordEvents } from './ingest/index.js';
import type { ImpressionAttribution } from './attribution/index.js';
import type { UserEventLimits } from './ingest/index.js';
import type { ItemFeatureCache } from './item-cache/index.js';
import type { PopularityTracker } from './popularity/index.js';
import type { ProfileStore } from './profile-store/index.js';
import type { GatewayEvent, StoredProfile } from './profiles/index.js';
import { checkRequestEnvelope, parseRecommendRequest, parseSimilarItemsRequest, recommend, similarItemsOnStream } from './recommend/index.js';
import type { CallBudget, RankingPort, RecommendQuery, RecommendLimits, RetrievalShardPort, StageShares } from './recommend/index.js';
import { rawFeatures } from './tiers/index.js';
import type { ShardedCatalog } from './tiers/index.js';

/** Bounds of the public API. */
export interface GatewayLimits extends RecommendLimits, UserEventLimits {
  /** Items per UpsertItems / ids per DeleteItems. */
  maxItemsPerCall: number;
  /** Requests of one RecommendStream handled at once; the stream is read no further meanwhile. */
  maxInFlightPerStream: number;
  /** Recommendations served at once over all calls and streams; more are refused with RESOURCE_EXHAUSTED. */
  maxRecommendsInFlight: number;
  /** The budget of a request whose caller set no deadline (or timeout_ms on a stream). */
  defaultTimeoutMs: number;
}

/** The unary methods a RecommendStream request is traced and counted as. */
const RECOMMEND_METHOD = '/dlrs.v1.Recommender/Recommend';
const SIMILAR_ITEMS_METHOD = '/dlrs.v1.Recommender/SimilarItems';

/** What the gateway's handlers use. */
export interface GatewayServiceDeps {
  store: ProfileStore<StoredProfile, GatewayEvent>;
  /** The served model's feature spec. */
  spec: () => FeatureSpec;
  /** Items (title and raw features) by id, in front of retrieval's GetItems. */
  itemCache: ItemFeatureCache<Item>;
  popularity: PopularityTracker;
  log?: InteractionLogWriter;
  /** Online click-through per model version (Prometheus counters); absent: not counted. */
  attribution?: ImpressionAttribution;
  ranking: RankingPort;
  shards: readonly RetrievalShardPort[];
  catalog: ShardedCatalog;
  limits: GatewayLimits;
  metrics: MetricsRegistry;
  /** Gets the causes the public answers leave out (a fallback's downstream error). */
  logger: Logger;
  stageShares?: StageShares;
  now?: () => number;
}

/** A validated request of Recommend or SimilarItems and whom its impression is logged for. */
type ParsedQuery = { userId: string; query: RecommendQuery };

/** The dlrs.v1.Recommender implementation. */
export function gatewayService(deps: GatewayServiceDeps): ServiceImplementation {
  const now = deps.now ?? Date.now;
  const degradedCounter = deps.metrics.counter<{ reason: string }>('dlrs_gateway_degraded', 'Recommendation answers that used a fallback, by reason');
  const featuresOf = (items: ReadonlyMap<string, Item | undefined>): Map<string, Item['features'] | undefined> => {
    const features = new Map<string, Item['features'] | undefined>();
    for (const [id, item] of items) features.set(id, item?.features);
    return features;
  };
  const itemFeatures = (itemIds: readonly string[]): Promise<Map<string, Item['features'] | undefined>> => {
    const cached = deps.itemCache.cachedMany(itemIds);
    return cached === undefined ? deps.itemCache.getMany(itemIds).then(featuresOf) : Promise.resolve(featuresOf(cached));
  };
  const resolveDeps = { store: deps.store, spec: deps.spec, itemFeatures };
  const recommendDeps = {
    ranking: deps.ranking,
    shards: deps.shards,
    popularity: deps.popularity,
    itemFeatures,
    itemEmbeddings: (itemIds: readonly string[], budget: CallBudget) => deps.catalog.getEmbeddings(itemIds, budget),
    embedItem: (item: ItemMessage, budget: CallBudget) => deps.catalog.embedItem(item, budget),
    stageShares: deps.stageShares,
    onDegraded: (reason: string) => degradedCounter.add(1, { reason }),
    logger: deps.logger.child({ component: 'recommend' }),
    now,
  };
  const ingestDeps = { store: deps.store, spec: deps.spec, itemFeatures, popularity: deps.popularity, log: deps.log, attribution: deps.attribution, now };

  const rejectedCounter = deps.metrics.counter('dlrs_gateway_rejected', 'Recommendations refused at admission because maxRecommendsInFlight were being served');
  let recommendsInFlight = 0;
  // Admission control: a request beyond the bound is refused at once, so that overload shows as
  // an early RESOURCE_EXHAUSTED the client can back off from, not as answers late into their deadline.
  const serveRecommend = (request: RecommendRequest__Output, deadlineMs: number, signal: AbortSignal): Promise<RecommendResponse> =>
    admit(request.requestId, () => parseRecommendRequest(request, deps.limits, resolveDeps, now()), deadlineMs, signal);
  const serveSimilarItems = (request: SimilarItemsRequest__Output, deadlineMs: number, signal: AbortSignal): Promise<RecommendResponse> =>
    admit(request.requestId, () => parseSimilarItemsRequest(request, deps.limits, resolveDeps, now()), deadlineMs, signal);
  const admit = async (requestId: string, parse: () => Promise<ParsedQuery>, deadlineMs: number, signal: AbortSignal): Promise<RecommendResponse> => {
    if (recommendsInFlight >= deps.limits.maxRecommendsInFlight) {
      rejectedCounter.add(1);
      throw new DlrsError('RESOURCE_EXHAUSTED', `the gateway is serving its limit of ${deps.limits.maxRecommendsInFlight} recommendations; retry with backoff`);
    }
    recommendsInFlight++;
    try {
      return await admittedRecommend(requestId, parse, deadlineMs, signal);
    } finally {
      recommendsInFlight--;
    }
  };
  const admittedRecommend = async (requestId: string, parse: () => Promise<ParsedQuery>, deadlineMs: number, signal: AbortSignal): Promise<RecommendResponse> => {
    const { userId, query } = await parse();
    const outcome = await recommend(recommendDeps, query, deadlineMs, signal);
    const titles = await titlesOf(outcome.items.map((item) => item.itemId), deadlineMs);
    const servedAt = now();
    deps.attribution?.served(userId, outcome.items.map((item) => item.itemId), outcome.modelVersion, servedAt);
    deps.log?.append({
      type: 'impression',
      userId,
      requestId,
      items: outcome.items.map((item) => item.itemId),
      scores: outcome.items.map((item) => item.score),
      modelVersion: outcome.modelVersion,
      timestamp: servedAt,
      ...(outcome.degradedReasons.length > 0 ? { degradedReasons: outcome.degradedReasons } : {}),
    });
    return {
      requestId,
      items: outcome.items.map((item, i) => ({ itemId: item.itemId, score: item.score, similarity: item.similarity, rank: i + 1, title: titles.get(item.itemId) ?? '' })),
      modelVersion: outcome.modelVersion,
      degraded: outcome.degradedReasons.length > 0,
      degradedReasons: outcome.degradedReasons,
      degradedDetail: outcome.degradedDetail,
    };
  };
  // Titles are display sugar: whatever the cache cannot give within half the time left is
  // left out, so that the answer still leaves before the deadline.
  const titlesOf = async (itemIds: string[], deadlineMs: number): Promise<Map<string, string>> => {
    const cached = deps.itemCache.cachedMany(itemIds);
    if (cached !== undefined) return titlesIn(cached);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), Math.max(0, (deadlineMs - now()) / 2))));
    try {
      return titlesIn(await Promise.race([deps.itemCache.getMany(itemIds).catch(() => undefined), late]));
    } finally {
      clearTimeout(timer);
    }
  };
  const deadlineOf = (context: CallContext): number => {
    const callerMs = typeof context.deadline === 'number' ? context.deadline : context.deadline.getTime();
    return Math.min(callerMs, now() + deps.limits.defaultTimeoutMs);
  };

  // Backpressure: while a stream's bound is in flight it is not read, so the client's sends stall.
  const recommendStream: MultiplexedStreamOptions<RecommendRequest__Output, RecommendStreamResponse> = {
    stream: 'RecommendStream',
    overflow: 'wait',
    maxInFlight: deps.limits.maxInFlightPerStream,
    defaultTimeoutMs: deps.limits.defaultTimeoutMs,
    methodOf: (request) => (request.similarItems ? SIMILAR_ITEMS_METHOD : RECOMMEND_METHOD),
    timeoutMsOf: (request) => request.timeoutMs,
    // Before the request's span: an oversized trace context never reaches the propagator.
    admit: (request) => checkRequestEnvelope(request, deps.limits),
    serve: async (request, deadlineAtMs, signal) => ({
      requestId: request.requestId,
      response: request.similarItems
        ? await serveSimilarItems(similarItemsOnStream(request), deadlineAtMs, signal).catch((error: unknown) => {
            throw underField(error, 'similar_items');
          })
        : await serveRecommend(request, deadlineAtMs, signal),
    }),
    now,
  };

  return {
    Recommend: unary((request: RecommendRequest__Output, context) => serveRecommend(request, deadlineOf(context), context.signal)),

    SimilarItems: unary((request: SimilarItemsRequest__Output, context) => serveSimilarItems(request, deadlineOf(context), context.signal)),

    RecommendStream: bidi((requests: AsyncIterable<RecommendRequest__Output>, writer: StreamWriter<RecommendStreamResponse>, context) => serveMultiplexedStream(requests, writer, context, recommendStream)),

    Session: bidi(async (requests: AsyncIterable<SessionRequest__Output>, writer: StreamWriter<SessionResponse>, context) => {
      let start: { userId: string; request: RecommendRequest__Output } | undefined;
      for await (const message of requests) {
        if (start === undefined) {
          if (message.message !== 'start' || !message.start) throw new DlrsError('INVALID_ARGUMENT', 'the first message of a session must be start', { field: 'start' });
          const userId = requireId(message.start.userId, 'start.user_id');
          const { k, candidates, filter } = message.start;
          start = { userId, request: { requestId: '', user: 'userId', userId, k, candidates, filter, excludeIds: [], includeSeen: false, timeoutMs: 0, traceContext: {}, queryMode: 'QUERY_MODE_UNSPECIFIED', similarItems: null } };
          const first = await serveRecommend(start.request, deadlineOf(context), context.signal).catch((error: unknown) => {
            throw underField(error, 'start');
          });
          await writer.write({ eventId: '', recommendations: first });
          continue;
        }
        if (message.message !== 'event' || !message.event) throw new DlrsError('INVALID_ARGUMENT', 'after start, a session carries events only', { field: 'event' });
        // Opening a session needs read (its answers); each event it records needs write as well.
        context.requireScope('write');
        const event = parseInteraction(message.event, 'event', deps.limits, now());
        await recordEvents(ingestDeps, [{ userId: start.userId, event }]);
        const request = { ...start.request, requestId: event.eventId ?? '' };
        await writer.write({ eventId: event.eventId ?? '', recommendations: await serveRecommend(request, deadlineOf(context), context.signal) });
      }
    }),

    RecordInteractions: unary(async (request: RecordInteractionsRequest__Output): Promise<RecordInteractionsResponse> => {
      const events = parseUserEvents(request.events, deps.limits, now());
      const { accepted, duplicates } = await recordEvents(ingestDeps, events);
      return { accepted, duplicates };
    }),

    GetProfile: unary(async (request: GetProfileRequest__Output): Promise<UserProfile> => {
      const userId = requireId(request.userId, 'user_id');
      const stored = await deps.store.get(userId);
      if (stored === undefined) throw new DlrsError('NOT_FOUND', `no profile for user ${JSON.stringify(userId)}`, { field: 'user_id' });
      return profileToMessage(stored.learned, { userId, updatedAtMs: stored.updatedAtMs });
    }),

    DeleteProfile: unary(async (request: DeleteProfileRequest__Output): Promise<DeleteProfileResponse> => ({ deleted: await deps.store.delete(requireId(request.userId, 'user_id')) })),

    UpsertItems: unary(async (request: UpsertItemsRequest__Output, context): Promise<UpsertItemsResponse> => {
      checkCount(request.items.length, deps.limits.maxItemsPerCall, 'items');
      request.items.forEach((item, i) => checkItem(item, `items[${i}]`));
      const result = await deps.catalog.upsertItems(request.items, { deadlineMs: deadlineOf(context), signal: context.signal });
      deps.itemCache.invalidate(request.items.map((item) => item.id));
      // Acknowledged by every shard involved: retrain reads the catalog's changes from the log.
      const at = now();
      for (const item of request.items) {
        const features = rawFeatures(item.features);
        deps.log?.append(item.title === '' ? { type: 'item-upsert', itemId: item.id, features, timestamp: at } : { type: 'item-upsert', itemId: item.id, title: item.title, features, timestamp: at });
      }
      return result;
    }),

    DeleteItems: unary(async (request: DeleteItemsRequest__Output, context): Promise<DeleteItemsResponse> => {
      checkCount(request.itemIds.length, deps.limits.maxItemsPerCall, 'item_ids');
      request.itemIds.forEach((id, i) => requireId(id, `item_ids[${i}]`));
      const result = await deps.catalog.deleteItems(request.itemIds, { deadlineMs: deadlineOf(context), signal: context.signal });
      deps.itemCache.invalidate(request.itemIds);
      const notFound = new Set(result.notFound);
      const at = now();
      for (const id of request.itemIds) {
        deps.popularity.remove(id);
        if (!notFound.has(id)) deps.log?.append({ type: 'item-delete', itemId: id, timestamp: at });
      }
      return result;
    }),
  };
}

function titlesIn(items: ReadonlyMap<string, Item | undefined> | undefined): Map<string, string> {
  const titles = new Map<string, string>();
  for (const [id, item] of items ?? []) if (item?.title !== undefined) titles.set(id, item.title);
  return titles;
}

// A session's start is checked as a Recommend request, a streamed SimilarItems request as a
// SimilarItems call: their fields are named within `start` and `similar_items`.
function underField(error: unknown, parent: string): unknown {
  if (!(error instanceof DlrsError) || error.field === undefined) return error;
  return new DlrsError(error.code, error.rawMessage, { field: `${parent}.${error.field}`, cause: error.cause });
}

function checkCount(count: number, max: number, field: string): void {
  if (count === 0 || count > max) throw new DlrsError('INVALID_ARGUMENT', `holds ${count} entries; 1 to ${max} are allowed`, { field });
}
