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
 * feature) may be passed to avoid allocating per row; it is overwritten.
 */
export function writeProfileRow(batch: UserBatch, row: number, profile: UserProfile, scratch?: Float64Array[]): void {
  const { spec } = batch;
  const compiled = compileSpec(spec);
  compiled.vocabularyFeatures.forEach((f, k) => {
    const name = spec.features[f].name;
    const acc = scratch?.[k] ?? new Float64Array(vocabularySize(spec, f));
    acc.fill(0);
    const lookup = compiled.valueIndex[f] as Map<string, number>;
    const values = Object.hasOwn(profile.values, name) ? profile.values[name] : {};
    for (const [value, weight] of Object.entries(values)) acc[lookup.get(value) ?? 0] += weight;
    writeDistRow(batch.dist[k], row, acc, Object.hasOwn(profile.valueTotals, name) ? profile.valueTotals[name] : 0);
  });
  compiled.continuousFeatures.forEach((f, c) => {
    const feature = spec.features[f] as ContinuousFeature;
    const stats = Object.hasOwn(profile.continuous, feature.name) ? profile.continuous[feature.name] : undefined;
    writeContinuousCell(batch, row, c, feature, stats?.weight ?? 0, stats?.mean ?? 0, stats?.m2 ?? 0);
  });
  const n = spec.bagLength;
  const ids = new Int32Array(n);
  const weights = new Float64Array(n);
  const count = Math.min(n, profile.recent.length);
  for (let j = 0; j < count; j++) {
    ids[j] = compiled.itemIndex.get(profile.recent[j].itemId) ?? 0;
    weights[j] = profile.recent[j].weight;
  }
  writeBagRow(batch, row, ids, weights, count);
}

/** Writes one distribution row: `acc[i] / total`, or all zeros when the total is 0. */
export function writeDistRow(out: Float32Array, row: number, acc: Float64Array, total: number): void {
  const width = acc.length;
  const offset = row * width;
  if (total > 0) for (let i = 0; i < width; i++) out[offset + i] = acc[i] / total;
  else out.fill(0, offset, offset + width);
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

function vocabularySize(spec: FeatureSpec, f: number): number {
  const feature = spec.features[f];
  return feature.kind === 'continuous' ? 0 : feature.vocabulary.length;
}
