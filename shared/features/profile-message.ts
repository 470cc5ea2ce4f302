import { DlrsError } from '../errors/index.js';
import type { UserProfile as UserProfileMessage, UserProfile__Output as UserProfileMessageOutput } from '../generated/dlrs/v1/UserProfile.js';
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
 */
export function profileFromMessage(message: UserProfileMessageOutput, spec: FeatureSpec, fieldPrefix = 'profile'): UserProfile {
  const profile = createProfile();
  const kinds = new Map(spec.features.map((f) => [f.name, f.kind]));
  message.categorical.forEach((entry, i) => {
    const field = `${fieldPrefix}.categorical[${i}]`;
    const kind = kinds.get(entry.feature);
    if (kind !== 'categorical' && kind !== 'multi') throw invalid(`${field}.feature`, `unknown categorical feature '${entry.feature}'`);
    const weights: Record<string, number> = Object.create(null);
    for (const [value, weight] of Object.entries(entry.weights)) {
      Object.defineProperty(weights, value, { value: nonNegative(weight, `${field}.weights[${value}]`), writable: true, enumerable: true, configurable: true });
    }
    profile.values[entry.feature] = weights;
    profile.valueTotals[entry.feature] = nonNegative(entry.total, `${field}.total`);
  });
  message.continuous.forEach((entry, i) => {
    const field = `${fieldPrefix}.continuous[${i}]`;
    if (kinds.get(entry.feature) !== 'continuous') throw invalid(`${field}.feature`, `unknown continuous feature '${entry.feature}'`);
    profile.continuous[entry.feature] = {
      weight: nonNegative(entry.weightSum, `${field}.weight_sum`),
      mean: finite(entry.mean, `${field}.mean`),
      m2: nonNegative(entry.m2, `${field}.m2`),
    };
  });
  if (message.recentItems.length > spec.bagLength) {
    throw invalid(`${fieldPrefix}.recent_items`, `holds ${message.recentItems.length} items, the model keeps at most ${spec.bagLength}`);
  }
  profile.recent = message.recentItems.map((e, i) => ({
    itemId: e.itemId,
    weight: nonNegative(e.weight, `${fieldPrefix}.recent_items[${i}].weight`),
    timestamp: finite(e.timestampMs, `${fieldPrefix}.recent_items[${i}].timestamp_ms`),
  }));
  profile.totalWeight = nonNegative(message.totalWeight, `${fieldPrefix}.total_weight`);
  profile.eventCount = nonNegative(message.eventCount, `${fieldPrefix}.event_count`);
  return profile;
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
