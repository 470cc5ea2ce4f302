import { callUnary, createGrpcClient } from '../../shared/grpc/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import type { RecommenderClient } from '../../shared/generated/dlrs/v1/Recommender.js';
import type { RecommendRequest } from '../../shared/generated/dlrs/v1/RecommendRequest.js';
import type { RecommendResponse__Output } from '../../shared/generated/dlrs/v1/RecommendResponse.js';
import type { RecordInteractionsResponse__Output } from '../../shared/generated/dlrs/v1/RecordInteractionsResponse.js';
import type { UserHistory } from './demo-catalog.js';

/** The gateway's default limit of events per RecordInteractions call. */
const EVENTS_PER_BATCH = 1000;
/** A demo call that has not answered after 5 s will not: the services run on the same host. */
export const CALL_DEADLINE_MS = 5000;

/** A Recommender client for the gateway at `address`, presenting the API token `apiToken` on every call. */
export function recommenderClient(address: string, apiToken: string): RecommenderClient {
  return createGrpcClient(loadProtos().grpcObject.dlrs.v1.Recommender, { addresses: address, defaultDeadlineMs: CALL_DEADLINE_MS, bearerToken: { token: apiToken } });
}

/** One Recommend call. */
export function recommend(client: RecommenderClient, request: RecommendRequest, deadlineMs = CALL_DEADLINE_MS): Promise<RecommendResponse__Output> {
  return callUnary<RecommendResponse__Output>((md, options, cb) => client.Recommend(request, md, options, cb), { deadline: Date.now() + deadlineMs });
}

/** Records the users' histories through RecordInteractions, in batches; event ids make a rerun idempotent. */
export async function recordHistories(client: RecommenderClient, users: UserHistory[]): Promise<{ accepted: number; duplicates: number }> {
  const events = users.flatMap((user) =>
    user.events.map((event, i) => ({
      userId: user.userId,
      interaction: { itemId: event.itemId, eventType: event.eventType, timestampMs: event.timestampMs, eventId: `demo-${user.userId}-${i}` },
    })),
  );
  let accepted = 0;
  let duplicates = 0;
  for (let start = 0; start < events.length; start += EVENTS_PER_BATCH) {
    const batch = events.slice(start, start + EVENTS_PER_BATCH);
    const result = await callUnary<RecordInteractionsResponse__Output>((md, options, cb) => client.RecordInteractions({ events: batch }, md, options, cb), {
      deadline: Date.now() + CALL_DEADLINE_MS,
    });
    accepted += result.accepted;
    duplicates += result.duplicates;
  }
  return { accepted, duplicates };
}

/** "degraded: POPULAR_FALLBACK (detail)" for a degraded answer, "" otherwise. */
export function degradedNote(response: RecommendResponse__Output): string {
  if (!response.degraded) return '';
  const detail = response.degradedDetail === '' ? '' : ` (${response.degradedDetail})`;
  return `degraded: ${response.degradedReasons.join(', ')}${detail}`;
}
