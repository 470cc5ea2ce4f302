import { readBundle } from '../../shared/bundle/index.js';
import { buildProfile, profileToMessage } from '../../shared/features/index.js';
import type { Item } from '../../shared/features/index.js';
import type { UserProfile } from '../../shared/generated/dlrs/v1/UserProfile.js';

/** Events per benchmark profile: from a new user's few views to a regular's history longer than the bag. */
export const PROFILE_EVENTS = { min: 5, max: 60 };

/** A deterministic generator, so runs compare on the same profiles. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * `count` user profiles as the gateway sends them to EmbedUsers: built by shared/features from
 * histories of `events.min`-`events.max` events on the bundle's items (views and purchases over
 * time), as the profile store keeps them.
 */
export async function benchProfiles(bundleDir: string, count: number, events: { min: number; max: number } = PROFILE_EVENTS): Promise<UserProfile[]> {
  const bundle = await readBundle(bundleDir);
  const spec = bundle.manifest.featureSpec;
  const byId = new Map<string, Item>(bundle.items.map((item) => [item.id, item]));
  const random = lcg(count);
  return Array.from({ length: count }, (_, user) => {
    const length = Math.floor(events.min + random() * (events.max - events.min + 1));
    const history = Array.from({ length }, (__, k) => ({
      itemId: bundle.items[Math.floor(random() * bundle.items.length)].id,
      timestamp: 1_700_000_000_000 + k * 60_000,
      eventType: random() < 0.9 ? 'view' : 'purchase',
    }));
    return profileToMessage(buildProfile(spec, history, (id) => byId.get(id)?.features), { userId: `bench-${user}` });
  });
}
