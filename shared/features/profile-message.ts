import { DlrsError } from '../errors/index.js';
import type { UserProfile as UserProfileMessage, UserProfile__Output as UserProfileMessageOutput } from '../generated/dlrs/v1/UserProfile.js';
import { compileSpec } from './feature-spec.js';
import type { FeatureSpec } from './feature-spec.js';
import { createProfile } from './user-profile.js';
import type { UserProfile } from './user-profile.js';

/** The wire form of a profile plus what only the wire carries. */
export interface ProfileEnvelope {
  userId: string;
  attributes?: Record<string, string>;
  updatedAtMs?: number;
}

/** A profile as the `dlrs.v1.UserProfile` message (gateway → ranking, GetProfile). */
export function profileToMessage(profile: UserProfile, envelope: ProfileEnvelope): UserProfileMessage {
  return {
    userId: envelope.userId,
    categorical: Object.keys(profile.values).map((feature) => ({
      feature,
      weights: { ...profile.values[feature] },
      total: profile.valueTotals[feature] ?? 0,
    })),
    continuous: Object.keys(profile.continuous).map((feature) => {
      const s = profile.continuous[feature];
      return { feature, weightSum: s.weight, mean: s.mean, m2: s.m2 };
    }),
    recentItems: profile.recent.map((e) => ({ itemId: e.itemId, weight: e.weight, timestampMs: e.timestamp })),
    totalWeight: profile.totalWeight,
    eventCount: profile.eventCount,
    attributes: envelope.attributes ?? {},
    updatedAtMs: envelope.updatedAtMs ?? 0,
  };
}

/**
 * The profile a `dlrs.v1.UserProfile` message describes, validated: every number finite and
 * non-negative where it must be, every feature known to `spec` with the right kind, the bag no
 * longer than the spec's. Errors are INVALID_ARGUMENT naming the field under `fieldPrefix`.
 * The profile shares the message's weight maps (no copy per request): copy the profile before
 * adding events to it if the message must stay as it was.
 */
export function profileFromMessage(message: UserProfileMessageOutput, spec: FeatureSpec, fieldPrefix = 'profile'): UserProfile {
  const profile = createProfile();
  const { featureIndex } = compileSpec(spec);
  for (let i = 0; i < message.categorical.length; i++) {
    const entry = message.categorical[i];
    const position = featureIndex.get(entry.feature);
    const kind = position === undefined ? undefined : spec.features[position].kind;
    if (kind !== 'categorical' && kind !== 'multi') throw invalid(`${fieldPrefix}.categorical[${i}].feature`, `unknown categorical feature '${entry.feature}'`);
    const { weights } = entry;
    for (const value of Object.keys(weights)) {
      if (!isNonNegative(weights[value])) nonNegative(weights[value], `${fieldPrefix}.categorical[${i}].weights[${value}]`);
    }
    profile.values[entry.feature] = weights;
    profile.valueTotals[entry.feature] = isNonNegative(entry.total) ? entry.total : nonNegative(entry.total, `${fieldPrefix}.categorical[${i}].total`);
  }
  for (let i = 0; i < message.continuous.length; i++) {
    const entry = message.continuous[i];
    const position = featureIndex.get(entry.feature);
    if (position === undefined || spec.features[position].kind !== 'continuous') throw invalid(`${fieldPrefix}.continuous[${i}].feature`, `unknown continuous feature '${entry.feature}'`);
    profile.continuous[entry.feature] = {
      weight: isNonNegative(entry.weightSum) ? entry.weightSum : nonNegative(entry.weightSum, `${fieldPrefix}.continuous[${i}].weight_sum`),
      mean: Number.isFinite(entry.mean) ? entry.mean : finite(entry.mean, `${fieldPrefix}.continuous[${i}].mean`),
      m2: isNonNegative(entry.m2) ? entry.m2 : nonNegative(entry.m2, `${fieldPrefix}.continuous[${i}].m2`),
    };
  }
  if (message.recentItems.length > spec.bagLength) {
    throw invalid(`${fieldPrefix}.recent_items`, `holds ${message.recentItems.length} items, the model keeps at most ${spec.bagLength}`);
  }
  profile.recent = message.recentItems.map((e, i) => ({
    itemId: e.itemId,
    weight: isNonNegative(e.weight) ? e.weight : nonNegative(e.weight, `${fieldPrefix}.recent_items[${i}].weight`),
    timestamp: Number.isFinite(e.timestampMs) ? e.timestampMs : finite(e.timestampMs, `${fieldPrefix}.recent_items[${i}].timestamp_ms`),
  }));
  profile.totalWeight = isNonNegative(message.totalWeight) ? message.totalWeight : nonNegative(message.totalWeight, `${fieldPrefix}.total_weight`);
  profile.eventCount = isNonNegative(message.eventCount) ? message.eventCount : nonNegative(message.eventCount, `${fieldPrefix}.event_count`);
  return profile;
}

// Checked before the throwing helpers so that a valid message builds no field names.
function isNonNegative(value: number): boolean {
  return Number.isFinite(value) && value >= 0;
}

function invalid(field: string, message: string): DlrsError {
  return new DlrsError('INVALID_ARGUMENT', message, { field });
}

function finite(value: number, field: string): number {
  if (!Number.isFinite(value)) throw invalid(field, `must be a finite number, got ${value}`);
  return value;
}

function nonNegative(value: number, field: string): number {
  if (!(finite(value, field) >= 0)) throw invalid(field, `must not be negative, got ${value}`);
  return value;
}
