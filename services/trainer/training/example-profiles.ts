import { createUserBatch, ProfileSnapshotEncoder, userBatchTensors } from '../../../shared/features/index.js';
import type { EncodedItems, FeatureSpec, TensorMap } from '../../../shared/features/index.js';
import { gatherFeed } from '../model/index.js';
import type { ModelShape } from '../model/index.js';
import type { ExampleCuts } from './example-cuts.js';
import type { UserEvents } from './user-events.js';

/**
 * Per-thread memory for the profiles of all examples encoded once (see exampleProfiles):
 * 256 MiB holds ml-latest-small's (~60 MB) and ml-1m-sized sets on every thread of a 24 GiB
 * host; larger data sets replay histories batch by batch instead.
 */
export const MAX_PROFILE_CACHE_BYTES = 256 * 1024 * 1024;

/**
 * The UserNet inputs of a batch of examples, written by the shared snapshot encoder (the same
 * tensors as serving builds) from each example's history up to its cut. A batch of random
 * examples replays each user's history up to the cut, which for heavy users is hundreds of
 * events per example; when all profiles fit `profileCacheBytes` they are encoded once and
 * batches copy their rows (the same tensors).
 */
export function exampleProfiles(spec: FeatureSpec, encoded: EncodedItems, fit: UserEvents, examples: ExampleCuts, shape: ModelShape, profileCacheBytes: number): (batch: Int32Array) => TensorMap {
  const encoder = new ProfileSnapshotEncoder(spec, encoded);
  const { user: exampleUser, cut: exampleCut } = examples;
  /** Profiles of `batch` replayed from each user's first event (rows sorted by user and cut). */
  const replay = (batch: Int32Array): TensorMap => {
    const m = batch.length;
    const rows = createUserBatch(spec, m);
    // Replay each user once per call: rows sorted by (user, position).
    const order = Array.from({ length: m }, (_, r) => r).sort((a, b) => exampleUser[batch[a]] - exampleUser[batch[b]] || exampleCut[batch[a]] - exampleCut[batch[b]]);
    let user = -1;
    let next = 0;
    for (const r of order) {
      const e = batch[r];
      if (exampleUser[e] !== user) {
        user = exampleUser[e];
        encoder.reset();
        next = fit.offsets[user];
      }
      // Implicit feedback: every event weighs 1, as in the evaluation protocol.
      for (; next < exampleCut[e]; next++) encoder.addEvent(fit.items[next], 1);
      encoder.writeRow(rows, r);
    }
    return userBatchTensors(rows, m);
  };
  const count = exampleUser.length;
  const all = count * userRowBytes(shape) <= profileCacheBytes ? replay(Int32Array.from({ length: count }, (_, e) => e)) : null;
  return (batch) => (all !== null ? gatherFeed(all, batch) : replay(batch));
}

/** Bytes of one example's UserNet inputs (float32 and int32 cells). */
function userRowBytes(shape: ModelShape): number {
  let cells = 2 * shape.bagLength + 2 * shape.continuousCount;
  for (const f of shape.features) cells += f.size;
  return 4 * cells;
}
