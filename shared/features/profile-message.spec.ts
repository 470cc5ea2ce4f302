import assert from 'node:assert/strict';
import { loadProtos } from '../proto/index.js';
import type { DlrsError } from '../errors/index.js';
import type { FeatureSpec } from './feature-spec.js';
import { profileFromMessage, profileToMessage } from './profile-message.js';
import { buildProfile } from './user-profile.js';
import { encodeUsers } from './user-batch.js';
import type { Item } from './item.js';

const spec: FeatureSpec = {
  features: [
    { name: 'genre', kind: 'multi', vocabulary: ['<oov>', 'drama', 'comedy'] },
    { name: 'kind', kind: 'categorical', vocabulary: ['<oov>', 'a', 'b'] },
    { name: 'year', kind: 'continuous', mean: 2000, std: 10 },
  ],
  itemIds: ['<oov>', 'i1', 'i2'],
  bagLength: 3,
  eventWeights: { view: 1, buy: 3 },
};
const items: Record<string, Item['features']> = {
  i1: { genre: ['drama', 'comedy'], kind: 'a', year: 1995 },
  i2: { genre: ['comedy'], kind: 'b', year: 2010 },
};
const profile = buildProfile(spec, [
  { itemId: 'i1', timestamp: 1, eventType: 'view' },
  { itemId: 'i2', timestamp: 2, eventType: 'buy' },
  { itemId: 'unknown', timestamp: 3, eventType: 'view' },
], (id) => items[id]);

/** Serialises through the real protobuf codec, as a profile travels between services. */
function overTheWire(message: ReturnType<typeof profileToMessage>) {
  const method = loadProtos().grpcObject.dlrs.v1.Ranking.service.EmbedUsers;
  return method.requestDeserialize(method.requestSerialize({ profiles: [message] })).profiles[0];
}

describe('profile messages', () => {
  it('give the same UserNet tensors after a trip over the wire', () => {
    const back = profileFromMessage(overTheWire(profileToMessage(profile, { userId: 'u1' })), spec);
    const before = encodeUsers(spec, [profile]);
    const after = encodeUsers(spec, [back]);
    for (const name of Object.keys(before)) {
      assert.deepEqual(Array.from(after[name].data), Array.from(before[name].data), name);
    }
  });

  it('reject an unknown feature naming the field', () => {
    const message = overTheWire(profileToMessage(profile, { userId: 'u1' }));
    message.categorical[0].feature = 'colour';
    assert.throws(() => profileFromMessage(message, spec), (err: DlrsError) => err.code === 'INVALID_ARGUMENT' && /profile\.categorical\[0\]\.feature/.test(err.message));
  });

  it('reject a negative or non-finite weight naming the field', () => {
    const message = overTheWire(profileToMessage(profile, { userId: 'u1' }));
    message.recentItems[1].weight = Number.NaN;
    assert.throws(() => profileFromMessage(message, spec, 'profiles[2]'), /profiles\[2\]\.recent_items\[1\]\.weight/);
    message.recentItems[1].weight = 1;
    message.totalWeight = -1;
    assert.throws(() => profileFromMessage(message, spec), /profile\.total_weight/);
  });

  it('reject a bag longer than the model keeps', () => {
    const message = overTheWire(profileToMessage(profile, { userId: 'u1' }));
    message.recentItems.push(...message.recentItems);
    assert.throws(() => profileFromMessage(message, spec), /recent_items: holds 6 items/);
  });
});
