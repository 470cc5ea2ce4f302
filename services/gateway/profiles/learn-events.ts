import { addEvent, createProfile } from '../../../shared/features/index.js';
import type { FeatureSpec, InteractionEvent, Item, UserProfile } from '../../../shared/features/index.js';
import type { ProfileUpdate } from '../profile-store/index.js';

/** An interaction as the gateway applies it: the shared event plus its idempotency key. */
export interface GatewayEvent extends InteractionEvent {
  eventId?: string;
}

/** What the gateway stores per user: the learned profile and when it last changed. */
export interface StoredProfile {
  learned: UserProfile;
  /** ms since the epoch. */
  updatedAtMs: number;
}

/**
 * The store update that folds events into a profile with the shared profile learner.
 * `itemFeatures` holds the raw features of the events' items, resolved beforehand (an item
 * missing from it still enters the bag of recent items).
 */
export function learnEvents(spec: FeatureSpec, itemFeatures: ReadonlyMap<string, Item['features'] | undefined>, nowMs: number): ProfileUpdate<StoredProfile, GatewayEvent> {
  return (current, freshEvents) => {
    // The stores hand the update a private copy, so the learner may change it in place.
    const learned = current?.learned ?? createProfile();
    for (const event of freshEvents) addEvent(learned, spec, itemFeatures.get(event.itemId), event);
    return { learned, updatedAtMs: nowMs };
  };
}
