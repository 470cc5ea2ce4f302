import { createUserBatch, ProfileSnapshotEncoder, userBatchTensors } from '../../../shared/features/index.js';
import type { EncodedItems, FeatureSpec, TensorMap } from '../../../shared/features/index.js';
import type { UserEvents } from './user-events.js';

/** UserNet inputs of the profiles of all `events` of the given users (validation and test). */
export function profileFeed(spec: FeatureSpec, encoded: EncodedItems, events: UserEvents, users: ArrayLike<number>): TensorMap {
  const batch = createUserBatch(spec, users.length);
  const encoder = new ProfileSnapshotEncoder(spec, encoded);
  for (let r = 0; r < users.length; r++) {
    encoder.reset();
    const u = users[r];
    for (let j = events.offsets[u]; j < events.offsets[u + 1]; j++) encoder.addEvent(events.items[j], 1);
    encoder.writeRow(batch, r);
  }
  return userBatchTensors(batch, users.length);
}
