import type { FeatureSpec, UserProfile } from '../../shared/features/index.js';
import { createProfile } from '../../shared/features/index.js';
import type { UserProfile__Output } from '../../shared/generated/dlrs/v1/UserProfile.js';
import { DlrsError } from '../../shared/errors/index.js';

function invalid(field: string, message: string): DlrsError {
  return new DlrsError('INVALID_ARGUMENT', message, { field });
}

function checkWeight(value: number, field: string): number {
  if (!Number.isFinite(value) || value < 0) throw invalid(field, `is ${value}; it must be finite and >= 0`);
  return value;
}

/**
 * The profile learner's profile from its wire form, checked against the model's feature
 * spec: a feature the spec does not have, a feature of the wrong kind, a user attribute
 * (the spec has none) or a negative or non-finite weight is INVALID_ARGUMENT naming the
 * field, e.g. `profiles[2].categorical[0].feature`. Unknown values and items are fine:
 * they encode as out-of-vocabulary.
 */
export function profileFromProto(spec: FeatureSpec, wire: UserProfile__Output, field: string): UserProfile {
  const kinds = new Map(spec.features.map((feature) => [feature.name, feature.kind]));
  const profile = createProfile();
  wire.categorical.forEach((values, k) => {
    const at = `${field}.categorical[${k}]`;
    const kind = kinds.get(values.feature);
    if (kind === undefined || kind === 'continuous') throw invalid(`${at}.feature`, `"${values.feature}" is not a categorical or multi-valued feature of this model`);
    if (Object.hasOwn(profile.values, values.feature)) throw invalid(`${at}.feature`, `"${values.feature}" appears twice`);
    const weights: Record<string, number> = Object.create(null) as Record<string, number>;
    let total = 0;
    for (const [value, weight] of Object.entries(values.weights)) {
      weights[value] = checkWeight(weight, `${at}.weights`);
      total += weight;
    }
    profile.values[values.feature] = weights;
    profile.valueTotals[values.feature] = total;
  });
  wire.continuous.forEach((stats, k) => {
    const at = `${field}.continuous[${k}]`;
    if (kinds.get(stats.feature) !== 'continuous') throw invalid(`${at}.feature`, `"${stats.feature}" is not a continuous feature of this model`);
    if (Object.hasOwn(profile.continuous, stats.feature)) throw invalid(`${at}.feature`, `"${stats.feature}" appears twice`);
    if (!Number.isFinite(stats.mean)) throw invalid(`${at}.mean`, `is ${stats.mean}; it must be finite`);
    profile.continuous[stats.feature] = { weight: checkWeight(stats.weightSum, `${at}.weight_sum`), mean: stats.mean, m2: checkWeight(stats.m2, `${at}.m2`) };
  });
  const attribute = Object.keys(wire.attributes)[0];
  if (attribute !== undefined) throw invalid(`${field}.attributes`, `"${attribute}" is not a user feature of this model (it has none)`);
  profile.recent = wire.recentItems.map((item, k) => ({ itemId: item.itemId, weight: checkWeight(item.weight, `${field}.recent_items[${k}].weight`), timestamp: item.timestampMs }));
  profile.totalWeight = wire.totalWeight;
  profile.eventCount = wire.eventCount;
  return profile;
}
