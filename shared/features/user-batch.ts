import { compileSpec } from './feature-spec.js';
import type { ContinuousFeature, FeatureSpec } from './feature-spec.js';
import type { TensorMap } from './tensor.js';
import type { UserProfile } from './user-profile.js';

/**
 * Preallocated UserNet input buffers for up to `capacity` rows, reused batch after batch.
 * Every row writer overwrites its row completely.
 */
export interface UserBatch {
  spec: FeatureSpec;
  capacity: number;
  /** Per categorical/multi feature, in spec order: [capacity, V_f] distributions. */
  dist: Float32Array[];
  /** [capacity, 2C]: per continuous feature, its z-normalised mean then std / feature std; undefined when C = 0. */
  cont: Float32Array | undefined;
  /** [capacity, bagLength] item-id vocabulary indices, most recent first, 0 = padding/OOV. */
  bagIds: Int32Array;
  /** [capacity, bagLength] bag weights summing to 1 per row (0 for padding). */
  bagWeights: Float32Array;
}

/** Allocates a user batch for `capacity` rows. */
export function createUserBatch(spec: FeatureSpec, capacity: number): UserBatch {
  const compiled = compileSpec(spec);
  const continuousCount = compiled.continuousFeatures.length;
  return {
    spec,
    capacity,
    dist: compiled.vocabularyFeatures.map((f) => new Float32Array(capacity * vocabularySize(spec, f))),
    cont: continuousCount === 0 ? undefined : new Float32Array(capacity * 2 * continuousCount),
    bagIds: new Int32Array(capacity * spec.bagLength),
    bagWeights: new Float32Array(capacity * spec.bagLength),
  };
}

/** The batch's first `rows` rows as UserNet input tensors (views, no copy). */
export function userBatchTensors(batch: UserBatch, rows = batch.capacity): TensorMap {
  const { spec } = batch;
  const compiled = compileSpec(spec);
  const tensors: TensorMap = {};
  compiled.vocabularyFeatures.forEach((f, k) => {
    const width = vocabularySize(spec, f);
    tensors[`user_dist_${spec.features[f].name}`] = { type: 'float32', data: batch.dist[k].subarray(0, rows * width), dims: [rows, width] };
  });
  if (batch.cont !== undefined) {
    const width = 2 * compiled.continuousFeatures.length;
    tensors.user_cont = { type: 'float32', data: batch.cont.subarray(0, rows * width), dims: [rows, width] };
  }
  const n = spec.bagLength;
  tensors.user_bag_ids = { type: 'int32', data: batch.bagIds.subarray(0, rows * n), dims: [rows, n] };
  tensors.user_bag_weights = { type: 'float32', data: batch.bagWeights.subarray(0, rows * n), dims: [rows, n] };
  return tensors;
}

/** UserNet input tensors for `profiles`, one row each. */
export function encodeUsers(spec: FeatureSpec, profiles: readonly UserProfile[]): TensorMap {
  const batch = createUserBatch(spec, profiles.length);
  const scratch = compileSpec(spec).vocabularyFeatures.map((f) => new Float64Array(vocabularySize(spec, f)));
  profiles.forEach((profile, row) => writeProfileRow(batch, row, profile, scratch));
  return userBatchTensors(batch);
}

/**
 * Writes `profile` into batch row `row`. `scratch` (one Float64Array(V_f) per categorical/multi
 * feature, all zeros, as `new Float64Array` gives it) may be passed to avoid allocating per row;
 * it is left all zeros again. Only the profile's own values are touched, never the whole vocabulary.
 */
export function writeProfileRow(batch: UserBatch, row: number, profile: UserProfile, scratch?: Float64Array[]): void {
  const { spec } = batch;
  const compiled = compileSpec(spec);
  const { vocabularyFeatures, continuousFeatures } = compiled;
  for (let k = 0; k < vocabularyFeatures.length; k++) {
    const f = vocabularyFeatures[k];
    const name = spec.features[f].name;
    const width = vocabularySize(spec, f);
    const acc = scratch?.[k] ?? new Float64Array(width);
    const lookup = compiled.valueIndex[f] as Map<string, number>;
    const values = Object.hasOwn(profile.values, name) ? profile.values[name] : undefined;
    const keys = values === undefined ? [] : Object.keys(values);
    const indices = touchedScratch(keys.length);
    // Summed in key order: several unknown values share the OOV slot, and the sum must be bit-identical.
    for (let t = 0; t < keys.length; t++) {
      const index = lookup.get(keys[t]) ?? 0;
      acc[index] += (values as Record<string, number>)[keys[t]];
      indices[t] = index;
    }
    writeDistRow(batch.dist[k], row, acc, indices, keys.length, Object.hasOwn(profile.valueTotals, name) ? profile.valueTotals[name] : 0);
    for (let t = 0; t < keys.length; t++) acc[indices[t]] = 0;
  }
  for (let c = 0; c < continuousFeatures.length; c++) {
    const feature = spec.features[continuousFeatures[c]] as ContinuousFeature;
    const stats = Object.hasOwn(profile.continuous, feature.name) ? profile.continuous[feature.name] : undefined;
    writeContinuousCell(batch, row, c, feature, stats?.weight ?? 0, stats?.mean ?? 0, stats?.m2 ?? 0);
  }
  const count = Math.min(spec.bagLength, profile.recent.length);
  const bag = bagScratch(count);
  for (let j = 0; j < count; j++) {
    bag.ids[j] = compiled.itemIndex.get(profile.recent[j].itemId) ?? 0;
    bag.weights[j] = profile.recent[j].weight;
  }
  writeBagRow(batch, row, bag.ids, bag.weights, count);
}

/**
 * Writes one distribution row: zeros, then `acc[i] / total` at the `count` vocabulary indices
 * `indices` lists (repeats allowed), the only non-zero entries of `acc`; all zeros when the total is 0.
 */
export function writeDistRow(out: Float32Array, row: number, acc: Float64Array, indices: ArrayLike<number>, count: number, total: number): void {
  const offset = row * acc.length;
  out.fill(0, offset, offset + acc.length);
  if (!(total > 0)) return;
  for (let t = 0; t < count; t++) {
    const index = indices[t];
    out[offset + index] = acc[index] / total;
  }
}

/** Writes continuous feature c's two `user_cont` cells from its weighted Welford state. */
export function writeContinuousCell(batch: UserBatch, row: number, c: number, feature: ContinuousFeature, weight: number, mean: number, m2: number): void {
  const cont = batch.cont as Float32Array;
  const offset = row * 2 * compileSpec(batch.spec).continuousFeatures.length + 2 * c;
  if (weight > 0) {
    cont[offset] = (mean - feature.mean) / feature.std;
    cont[offset + 1] = Math.sqrt(Math.max(0, m2) / weight) / feature.std;
  } else {
    cont[offset] = 0;
    cont[offset + 1] = 0;
  }
}

/** Writes one bag row from `count` entries, most recent first; weights normalised to sum 1. */
export function writeBagRow(batch: UserBatch, row: number, ids: ArrayLike<number>, weights: ArrayLike<number>, count: number): void {
  const n = batch.spec.bagLength;
  const offset = row * n;
  let total = 0;
  for (let j = 0; j < count; j++) total += weights[j];
  for (let j = 0; j < n; j++) {
    const present = j < count;
    batch.bagIds[offset + j] = present ? ids[j] : 0;
    batch.bagWeights[offset + j] = present && total > 0 ? weights[j] / total : 0;
  }
}

// Row writers run synchronously on one thread, so module-wide buffers (grown on demand) spare an allocation per row.
let touchedIndices = new Int32Array(64);
const bagBuffers = { ids: new Int32Array(64), weights: new Float64Array(64) };

function touchedScratch(count: number): Int32Array {
  if (touchedIndices.length < count) touchedIndices = new Int32Array(2 * count);
  return touchedIndices;
}

function bagScratch(count: number): { ids: Int32Array; weights: Float64Array } {
  if (bagBuffers.ids.length < count) {
    bagBuffers.ids = new Int32Array(2 * count);
    bagBuffers.weights = new Float64Array(2 * count);
  }
  return bagBuffers;
}

function vocabularySize(spec: FeatureSpec, f: number): number {
  const feature = spec.features[f];
  return feature.kind === 'continuous' ? 0 : feature.vocabulary.length;
}
