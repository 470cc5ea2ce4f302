import type { UserProfile as UserProfileMessage } from '../../../shared/generated/dlrs/v1/UserProfile.js';
import type { StoredProfile } from './learn-events.js';

/**
 * The dlrs.v1.UserProfile message of a stored profile (GetProfile, and UserNet's input in
 * EmbedUsers). Features are listed in name order so that equal profiles give equal messages.
 */
export function toProfileMessage(userId: string, stored: StoredProfile, attributes: Record<string, string> = {}): UserProfileMessage {
  const { learned } = stored;
  return {
    userId,
    categorical: Object.keys(learned.values)
      .sort()
      .map((feature) => ({ feature, weights: { ...learned.values[feature] } })),
    continuous: Object.keys(learned.continuous)
      .sort()
      .map((feature) => {
        const stats = learned.continuous[feature];
        return { feature, weightSum: stats.weight, mean: stats.mean, m2: stats.m2 };
      }),
    recentItems: learned.recent.map((entry) => ({ itemId: entry.itemId, weight: entry.weight, timestampMs: entry.timestamp })),
    totalWeight: learned.totalWeight,
    eventCount: learned.eventCount,
    attributes,
    updatedAtMs: stored.updatedAtMs,
  };
}
