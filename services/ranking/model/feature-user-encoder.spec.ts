import assert from 'node:assert/strict';
import { buildProfile, encodeUsers, profileToMessage } from '../../../shared/features/index.js';
import type { FeatureSpec, Item, UserProfile } from '../../../shared/features/index.js';
import type { UserProfile__Output } from '../../../shared/generated/dlrs/v1/UserProfile.js';
import { loadProtos } from '../../../shared/proto/index.js';
import { featureUserEncoder } from './feature-user-encoder.js';
import type { TensorShape } from '../inference/inference-messages.js';
import { DlrsError } from '../../../shared/errors/index.js';

const SPEC: FeatureSpec = {
  features: [
    { name: 'genres', kind: 'multi', vocabulary: ['<oov>', 'action', 'comedy', 'drama'] },
    { name: 'studio', kind: 'categorical', vocabulary: ['<oov>', 'a', 'b'] },
    { name: 'year', kind: 'continuous', mean: 2000, std: 10 },
  ],
  itemIds: ['<oov>', 'i1', 'i2', 'i3'],
  bagLength: 3,
  eventWeights: { view: 1, purchase: 4 },
};

const ITEMS: Record<string, Item['features']> = {
  i1: { genres: ['action', 'comedy'], studio: 'a', year: 1995 },
  i2: { genres: ['drama'], studio: 'b', year: 2010 },
  i9: { genres: ['comedy', 'western'], studio: 'c', year: 2020 },
};

/** Views of a batch of `rows` rows of the encoder's inputs, filled with garbage like a reused slab. */
function dirtyViews(shapes: Record<string, TensorShape>): Record<string, Float32Array | Int32Array> {
  return Object.fromEntries(
    Object.entries(shapes).map(([name, shape]) => {
      const length = shape.dims.reduce((a, b) => a * b, 1);
      return [name, shape.type === 'int32' ? new Int32Array(length).fill(-7) : new Float32Array(length).fill(Number.NaN)];
    }),
  );
}

/** A profile as the ranking service receives it: sent by the gateway's code path and decoded by grpc-js. */
function toWire(profile: UserProfile): UserProfile__Output {
  const method = loadProtos().grpcObject.dlrs.v1.Ranking.service.EmbedUsers;
  const decoded = method.requestDeserialize(method.requestSerialize({ profiles: [profileToMessage(profile, { userId: 'u1' })] }));
  return decoded.profiles[0];
}

describe('featureUserEncoder', () => {
  it('writes, after the wire, the tensors the profile learner\'s profile gives (the trainer\'s path), over every value of its rows', () => {
    const events = [
      { userId: 'u1', itemId: 'i1', timestamp: 1, eventType: 'view' },
      { userId: 'u1', itemId: 'i2', timestamp: 2, eventType: 'purchase' },
      { userId: 'u1', itemId: 'i9', timestamp: 3, eventType: 'view' },
      { userId: 'u1', itemId: 'i1', timestamp: 4, eventType: 'view', weight: 0.5 },
    ];
    const profile = buildProfile(SPEC, events, (id) => ITEMS[id]);
    const expected = encodeUsers(SPEC, [profile, buildProfile(SPEC, [], () => undefined)]);
    const encoder = featureUserEncoder(SPEC);
    const rows = encoder.read([toWire(profile), toWire(buildProfile(SPEC, [], () => undefined))]);
    assert.equal(rows.count, 2);
    // Written at rows 1-2 of a batch of 4 whose memory held an earlier batch.
    const shapes = encoder.inputs(4);
    const views = dirtyViews(shapes);
    rows.write(views, 1);
    assert.deepEqual(Object.keys(shapes).sort(), Object.keys(expected).sort());
    for (const [name, tensor] of Object.entries(expected)) {
      assert.deepEqual(shapes[name].dims, [4, ...tensor.dims.slice(1)], name);
      assert.equal(shapes[name].type, tensor.type, name);
      const width = tensor.dims[1];
      const written = views[name].subarray(width, 3 * width);
      // Bag weights travel as float32 on the wire: equal to the trainer's tensors within float32 rounding.
      tensor.data.forEach((value, k) => assert.ok(Math.abs(written[k] - value) <= 1e-6, `${name}[${k}]: ${written[k]} vs ${value}`));
      assert.ok(views[name].subarray(0, width).every((value) => value === -7 || Number.isNaN(value)), `${name}: row 0 is not the encoder's`);
    }
  });

  it('refuses features the model does not have, naming the field', () => {
    const base = toWire(buildProfile(SPEC, [], () => undefined));
    const cases: [Partial<UserProfile__Output>, string][] = [
      [{ categorical: [{ feature: 'colour', weights: { red: 1 }, total: 1 }] }, 'profiles[1].categorical[0].feature'],
      [{ categorical: [{ feature: 'year', weights: { x: 1 }, total: 1 }] }, 'profiles[1].categorical[0].feature'],
      [{ continuous: [{ feature: 'genres', weightSum: 1, mean: 0, m2: 0 }] }, 'profiles[1].continuous[0].feature'],
      [{ categorical: [{ feature: 'studio', weights: { a: -1 }, total: 1 }] }, 'profiles[1].categorical[0].weights[a]'],
      [{ attributes: { age: '30' } }, 'profiles[1].attributes'],
      [{ recentItems: [{ itemId: 'i1', weight: Number.NaN, timestampMs: 0 }] }, 'profiles[1].recent_items[0].weight'],
    ];
    for (const [overrides, field] of cases) {
      assert.throws(
        () => featureUserEncoder(SPEC).read([base, { ...base, ...overrides }]),
        (error: unknown) => error instanceof DlrsError && error.code === 'INVALID_ARGUMENT' && error.field === field,
        field,
      );
    }
  });
});
