// Test users by how far their held-out events lie from the end of their train history.
import type { Events, HeldOut } from './split.js';

/** Held-out events later than this after the user's last train event start a "later visit". A day, as sessions in the trainer. */
export const LATER_VISIT_MS = 24 * 3600 * 1000;

/**
 * For each test user (in `test.users` order), whether any of their held-out events lies more
 * than LATER_VISIT_MS after their last train event: a user who *returns* rather than
 * continues the session the train part ends in. Sequence models (the deep model's recent-item
 * bag) and order-free ones (EASE) differ most between the two groups (docs/experiments.md).
 * Uses the split's timestamps only, never a model's score.
 */
export function returningUsers(events: Events, train: Events, test: HeldOut): Uint8Array {
  const lastTrain = new Map<number, number>();
  for (let r = 0; r < train.user.length; r++) lastTrain.set(train.user[r], Math.max(lastTrain.get(train.user[r]) ?? -Infinity, train.timestamp[r]));
  const heldOutTime = new Map<string, number>();
  for (let r = 0; r < events.user.length; r++) heldOutTime.set(`${events.user[r]}:${events.item[r]}`, events.timestamp[r]);
  const out = new Uint8Array(test.users.length);
  for (let k = 0; k < test.users.length; k++) {
    const u = test.users[k];
    const last = lastTrain.get(u) ?? -Infinity;
    for (let j = test.offsets[k]; j < test.offsets[k + 1]; j++) {
      if ((heldOutTime.get(`${u}:${test.items[j]}`) ?? last) - last > LATER_VISIT_MS) {
        out[k] = 1;
        break;
      }
    }
  }
  return out;
}

/** The mean of `perUser` over the users `mask` selects (1) or not (0); NaN for an empty group. */
export function groupMean(perUser: Float64Array, mask: Uint8Array, selected: 0 | 1): number {
  let sum = 0;
  let n = 0;
  for (let k = 0; k < perUser.length; k++) {
    if (mask[k] !== selected) continue;
    sum += perUser[k];
    n++;
  }
  return n === 0 ? NaN : sum / n;
}
