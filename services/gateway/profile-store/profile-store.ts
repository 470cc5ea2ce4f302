/** What the store needs of an event: an optional idempotency key. */
export interface IdempotentEvent {
  /** Events with the same non-empty id are applied once; an empty or absent id is never deduplicated. */
  eventId?: string;
}

/**
 * Folds fresh (never seen) events into a user's profile. `current` is the store's private
 * copy, which the update may change and return. It must be synchronous and give the same
 * result for the same inputs: the Redis store calls it again on a new copy when another
 * replica wrote the same user in between. The caller resolves anything asynchronous (item
 * features) before applying; when the update throws, nothing is stored.
 */
export type ProfileUpdate<P, E extends IdempotentEvent> = (current: P | undefined, freshEvents: readonly E[], userId: string) => P;

/** Converts profiles to and from JSON text, the form both stores keep. */
export interface ProfileCodec<P> {
  encode(profile: P): string;
  decode(json: string): P;
}

/** The outcome of {@link ProfileStore.apply}. */
export interface ApplyResult<P, E> {
  /** The profile after the batch; undefined when every event was a duplicate and the user has no profile. */
  profile: P | undefined;
  /** Events applied. */
  accepted: number;
  /** The events applied, in batch order (what the interaction log and popularity should see). */
  applied: E[];
  /** Events ignored because their event id was seen before (also within the batch). */
  duplicates: number;
}

/**
 * User profiles with idempotent, atomic event application. Implemented by the embedded store
 * (single machine, append-only file) and the Redis store (shared by gateway replicas); both
 * pass the same conformance suite.
 *
 * Deduplication is by event id within a bounded per-user window: the most recent
 * `dedupeWindowPerUser` event ids of each user are remembered, so a retried event is
 * ignored as long as fewer than that many newer events of the same user were applied
 * since. Erasing a user also forgets their window.
 */
export interface ProfileStore<P, E extends IdempotentEvent> {
  /**
   * Applies the events whose ids were not seen before, in one atomic step: the profile and
   * the remembered ids change together or not at all. Resolves once the change is durable.
   */
  apply(userId: string, events: readonly E[], update: ProfileUpdate<P, E>): Promise<ApplyResult<P, E>>;
  /** The user's profile, or undefined. Each call returns a fresh copy. */
  get(userId: string): Promise<P | undefined>;
  /** Erases the user's profile and remembered event ids; false when there was no profile. */
  delete(userId: string): Promise<boolean>;
  /** Releases files and connections; safe to call twice. */
  close(): Promise<void>;
}

/**
 * How many event ids per user are remembered for deduplication. A producer's retry resends
 * the user's last batch, rarely more than a hundred events of one user; each remembered id
 * costs about 60 bytes of memory (embedded) or of Redis, comparable to the profile itself.
 */
export const DEFAULT_DEDUPE_WINDOW_PER_USER = 128;

/** The codec for profiles that are plain JSON data (the shared profile learner's UserProfile). */
export function jsonProfileCodec<P>(): ProfileCodec<P> {
  return { encode: (profile) => JSON.stringify(profile), decode: (json) => JSON.parse(json) as P };
}
