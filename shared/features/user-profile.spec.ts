import assert from 'node:assert/strict';
import { OOV_TOKEN } from './feature-spec.js';
import type { FeatureSpec } from './feature-spec.js';
import type { InteractionEvent, Item } from './item.js';
import { encodeUsers } from './user-batch.js';
import { addEvent, buildProfile, createProfile } from './user-profile.js';

const spec: FeatureSpec = {
  features: [
    { name: 'genre', kind: 'categorical', vocabulary: [OOV_TOKEN, 'drama', 'comedy'] },
    { name: 'tags', kind: 'multi', vocabulary: [OOV_TOKEN, 'x', 'y'] },
    { name: 'year', kind: 'continuous', mean: 2000, std: 10 },
  ],
  itemIds: [OOV_TOKEN, 'm1', 'm2', 'm3'],
  bagLength: 3,
  eventWeights: { purchase: 3 },
};

const items = new Map<string, Item['features']>([
  ['m1', { genre: 'drama', tags: ['x', 'y'], year: 1990 }],
  ['m2', { genre: 'comedy', tags: ['y'], year: 2010 }],
  ['m3', { genre: 'horror', tags: ['x', 'q'] }],
  ['m4', { genre: 'drama', year: 2000 }],
]);

const events: InteractionEvent[] = [
  { itemId: 'm1', timestamp: 1000, eventType: 'view' },
  { itemId: 'm2', timestamp: 2000, eventType: 'purchase' },
  { itemId: 'm3', timestamp: 3000, eventType: 'view', weight: 2 },
  { itemId: 'm4', timestamp: 4000, eventType: 'view' },
  { itemId: 'unknown', timestamp: 5000, eventType: 'view' },
];

describe('profile learner', () => {
  it('encodes distributions, weighted mean/std and the bag as the contract says', () => {
    const tensors = encodeUsers(spec, [buildProfile(spec, events, (id) => items.get(id))]);
    // genre weights: drama 1 (m1) + 1 (m4), comedy 3, horror (OOV) 2; total 7.
    assertClose(tensors.user_dist_genre.data, [2 / 7, 2 / 7, 3 / 7]);
    // tags: m1 splits 1 over x,y; m2 gives y 3; m3 splits 2 over x and q (OOV); m4 has none: total 6.
    assertClose(tensors.user_dist_tags.data, [1 / 6, 1.5 / 6, 3.5 / 6]);
    // year: values 1990 (w 1), 2010 (w 3), 2000 (w 1); m3 has none.
    const mean = (1990 + 3 * 2010 + 2000) / 5;
    const std = Math.sqrt((1 * (1990 - mean) ** 2 + 3 * (2010 - mean) ** 2 + (2000 - mean) ** 2) / 5);
    assertClose(tensors.user_cont.data, [(mean - 2000) / 10, std / 10]);
    assert.deepEqual(tensors.user_cont.dims, [1, 2]);
    // Last three, most recent first: unknown (OOV), m4 (OOV: not in itemIds), m3.
    assert.deepEqual(tensors.user_bag_ids.data, Int32Array.from([0, 0, 3]));
    assertClose(tensors.user_bag_weights.data, [1 / 4, 1 / 4, 2 / 4]);
  });

  it('gives identical tensors built in bulk, incrementally, and after a JSON round trip', () => {
    const bulk = buildProfile(spec, [...events].reverse(), (id) => items.get(id));
    const incremental = createProfile();
    for (const event of events) addEvent(incremental, spec, items.get(event.itemId), event);
    assert.deepEqual(incremental, bulk);
    const stored = JSON.parse(JSON.stringify(incremental)) as typeof incremental;
    const expected = encodeUsers(spec, [bulk]);
    assert.deepEqual(encodeUsers(spec, [incremental]), expected);
    assert.deepEqual(encodeUsers(spec, [stored]), expected);
    assert.equal(incremental.eventCount, 5);
    assert.equal(incremental.totalWeight, 8);
  });

  it('places a late-arriving older event in the bag by its timestamp', () => {
    const profile = createProfile();
    for (const event of [events[0], events[2], events[1]]) addEvent(profile, spec, items.get(event.itemId), event);
    assert.deepEqual(profile.recent.map((entry) => entry.itemId), ['m3', 'm2', 'm1']);
    addEvent(profile, spec, undefined, { itemId: 'old', timestamp: 1, eventType: 'view' });
    assert.deepEqual(profile.recent.map((entry) => entry.itemId), ['m3', 'm2', 'm1']);
    assert.equal(profile.eventCount, 4);
  });

  it('writes zeros for a user without events and rejects negative weights', () => {
    const tensors = encodeUsers(spec, [createProfile()]);
    for (const tensor of Object.values(tensors)) assert.ok(tensor.data.every((v) => v === 0));
    assert.throws(() => addEvent(createProfile(), spec, undefined, { itemId: 'm1', timestamp: 1, eventType: 'x', weight: -1 }), RangeError);
  });

  it('stores raw values such as __proto__ as plain data', () => {
    const profile = createProfile();
    addEvent(profile, spec, { genre: '__proto__', tags: ['constructor'] }, { itemId: 'm1', timestamp: 1, eventType: 'view' });
    const stored = JSON.parse(JSON.stringify(profile)) as typeof profile;
    assert.equal(stored.values.genre.__proto__, 1);
    addEvent(stored, spec, { genre: '__proto__' }, { itemId: 'm1', timestamp: 2, eventType: 'view' });
    assert.equal(Object.getOwnPropertyDescriptor(stored.values.genre, '__proto__')?.value, 2);
    assertClose(encodeUsers(spec, [stored]).user_dist_genre.data, [1, 0, 0]);
  });
});

function assertClose(actual: ArrayLike<number>, expected: number[]): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) < 1e-6, `[${i}] ${actual[i]} != ${expected[i]}`);
}
