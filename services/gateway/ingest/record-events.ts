import { DlrsError } from '../../../shared/errors/index.js';
import { eventWeight } from '../../../shared/features/index.js';
import type { FeatureSpec, Item } from '../../../shared/features/index.js';
import type { InteractionLogWriter } from '../../../shared/interaction-log/index.js';
import type { PopularityTracker } from '../popularity/index.js';
import type { ProfileStore } from '../profile-store/index.js';
import { learnEvents } from '../profiles/index.js';
import type { GatewayEvent, StoredProfile } from '../profiles/index.js';
import type { UserGatewayEvent } from './parse-user-events.js';
import type { ImpressionAttribution } from '../attribution/index.js';

/** What event ingestion updates. */
export interface RecordEventsDeps {
  store: ProfileStore<StoredProfile, GatewayEvent>;
  /** The served model's feature spec (event weights, bag length, features). */
  spec: () => FeatureSpec;
  /** Raw features by item id (the item-feature cache in front of retrieval's GetItems). */
  itemFeatures: (itemIds: readonly string[]) => Promise<ReadonlyMap<string, Item['features'] | undefined>>;
  popularity: PopularityTracker;
  /** The interaction log for training; absent when not configured. */
  log?: InteractionLogWriter;
  /** Credits applied events to the lists that showed their items (online click-through). */
  attribution?: Pick<ImpressionAttribution, 'event'>;
  now?: () => number;
}

/** The outcome of {@link recordEvents}. */
export interface RecordEventsResult {
  accepted: number;
  duplicates: number;
  /** Each user's profile after the batch. */
  profiles: Map<string, StoredProfile | undefined>;
}

/**
 * Applies validated events: the features of all their items are fetched once, each user's
 * events are applied to the store in one atomic, idempotent step, and only the events
 * applied (not duplicates) reach the interaction log, and those on catalog items the popularity tracker. When item
 * features cannot be fetched the batch fails with UNAVAILABLE rather than learning profiles
 * without them; a retry is safe for events with ids. A failure after some users were
 * applied fails the call too, and the retry finds those events as duplicates.
 */
export async function recordEvents(deps: RecordEventsDeps, events: readonly UserGatewayEvent[]): Promise<RecordEventsResult> {
  const now = deps.now ?? Date.now;
  const byUser = new Map<string, GatewayEvent[]>();
  for (const { userId, event } of events) {
    const list = byUser.get(userId);
    if (list) list.push(event);
    else byUser.set(userId, [event]);
  }
  let features: ReadonlyMap<string, Item['features'] | undefined>;
  try {
    features = await deps.itemFeatures([...new Set(events.map(({ event }) => event.itemId))]);
  } catch (error) {
    throw new DlrsError('UNAVAILABLE', `item features could not be fetched: ${DlrsError.from(error).message}`, { cause: error });
  }
  const spec = deps.spec();
  const update = learnEvents(spec, features, now());
  const results = await Promise.all([...byUser].map(async ([userId, list]) => [userId, await deps.store.apply(userId, list, update)] as const));
  const outcome: RecordEventsResult = { accepted: 0, duplicates: 0, profiles: new Map() };
  for (const [userId, result] of results) {
    outcome.accepted += result.accepted;
    outcome.duplicates += result.duplicates;
    outcome.profiles.set(userId, result.profile);
    for (const event of result.applied) {
      // Popularity counts catalog items only: an id retrieval does not know (yet) is no candidate.
      if (features.get(event.itemId) !== undefined) deps.popularity.record(event.itemId, eventWeight(spec, event.eventType, event.weight), event.timestamp);
      deps.log?.append({ type: 'interaction', userId, ...event });
      deps.attribution?.event(userId, event.itemId, event.eventType, event.timestamp);
    }
  }
  return outcome;
}
