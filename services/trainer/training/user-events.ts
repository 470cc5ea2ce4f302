import type { Events } from '../eval/split.js';

/** Events of users in compressed rows, in time order. */
export interface UserEvents {
  /** Events of user u: items[offsets[u] .. offsets[u + 1]), time order. */
  readonly offsets: Int32Array;
  /** Catalog rows. */
  readonly items: Int32Array;
  /** Their times, milliseconds since the epoch. */
  readonly timestamps: Float64Array;
}

/** Events (sorted by user, time, item) as per-user rows. */
export function byUser(events: Events, users: number): UserEvents {
  const offsets = new Int32Array(users + 1);
  for (const u of events.user) offsets[u + 1]++;
  for (let u = 0; u < users; u++) offsets[u + 1] += offsets[u];
  return { offsets, items: Int32Array.from(events.item), timestamps: Float64Array.from(events.timestamp) };
}
