import assert from 'node:assert/strict';
import { loadProtos } from '../proto/index.js';
import { OOV_TOKEN, compileSpec } from './feature-spec.js';
import type { ContinuousFeature, FeatureSpec } from './feature-spec.js';
import { profileFromMessage, profileToMessage } from './profile-message.js';
import { createUserBatch, userBatchTensors, writeProfileRow } from './user-batch.js';
import type { UserBatch } from './user-batch.js';
import { createProfile } from './user-profile.js';
import type { UserProfile } from './user-profile.js';

/** A deterministic generator, so a failure reproduces. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const vocabulary = (prefix: string, size: number) => [OOV_TOKEN, ...Array.from({ length: size }, (_, i) => `${prefix}${i}`)];
const spec: FeatureSpec = {
  features: [
    { name: 'category', kind: 'categorical', vocabulary: vocabulary('c', 40) },
    { name: 'tags', kind: 'multi', vocabulary: vocabulary('t', 300) },
    { name: 'price', kind: 'continuous', mean: 20, std: 7 },
  ],
  itemIds: vocabulary('i', 500),
  bagLength: 6,
  eventWeights: {},
};

/** A random profile: known and unknown values (several share the OOV slot), odd weights, some empty features. */
function randomProfile(random: () => number): UserProfile {
  const profile = createProfile();
  for (const [name, size] of [['category', 40], ['tags', 300]] as const) {
    if (random() < 0.15) continue;
    const weights: Record<string, number> = Object.create(null);
    let total = 0;
    const count = 1 + Math.floor(random() * 12);
    for (let j = 0; j < count; j++) {
      // Numeric-looking keys enumerate first: the summing order must follow the object's own order.
      const value = random() < 0.3 ? `unknown-${Math.floor(random() * 5)}` : random() < 0.1 ? String(Math.floor(random() * 9)) : `${name === 'tags' ? 't' : 'c'}${Math.floor(random() * size)}`;
      const weight = random() < 0.1 ? 0 : random() * 10 / 3;
      weights[value] = (weights[value] ?? 0) + weight;
      total += weight;
    }
    profile.values[name] = weights;
    profile.valueTotals[name] = random() < 0.1 ? 0 : total;
  }
  if (random() < 0.8) profile.continuous.price = { weight: random() * 5, mean: random() * 50, m2: random() * 30 };
  const recent = Math.floor(random() * (spec.bagLength + 1));
  for (let j = 0; j < recent; j++) profile.recent.push({ itemId: random() < 0.2 ? 'gone' : `i${Math.floor(random() * 500)}`, weight: random() * 3, timestamp: 1000 - j });
  profile.totalWeight = 1;
  profile.eventCount = 1;
  return profile;
}

/** The dense encoder writeProfileRow replaced (a division per vocabulary value): the reference its output must equal bit for bit. */
function referenceRow(batch: UserBatch, row: number, profile: UserProfile): void {
  const compiled = compileSpec(spec);
  compiled.vocabularyFeatures.forEach((f, k) => {
    const feature = spec.features[f];
    const width = feature.kind === 'continuous' ? 0 : feature.vocabulary.length;
    const acc = new Float64Array(width);
    const lookup = compiled.valueIndex[f] as Map<string, number>;
    const values = Object.hasOwn(profile.values, feature.name) ? profile.values[feature.name] : {};
    for (const [value, weight] of Object.entries(values)) acc[lookup.get(value) ?? 0] += weight;
    const total = Object.hasOwn(profile.valueTotals, feature.name) ? profile.valueTotals[feature.name] : 0;
    for (let i = 0; i < width; i++) batch.dist[k][row * width + i] = total > 0 ? acc[i] / total : 0;
  });
  const price = spec.features[2] as ContinuousFeature;
  const stats = profile.continuous.price as UserProfile['continuous'][string] | undefined;
  const cont = batch.cont as Float32Array;
  cont[row * 2] = stats !== undefined && stats.weight > 0 ? (stats.mean - price.mean) / price.std : 0;
  cont[row * 2 + 1] = stats !== undefined && stats.weight > 0 ? Math.sqrt(Math.max(0, stats.m2) / stats.weight) / price.std : 0;
  const n = spec.bagLength;
  const count = Math.min(n, profile.recent.length);
  let total = 0;
  for (let j = 0; j < count; j++) total += profile.recent[j].weight;
  for (let j = 0; j < n; j++) {
    batch.bagIds[row * n + j] = j < count ? compiled.itemIndex.get(profile.recent[j].itemId) ?? 0 : 0;
    batch.bagWeights[row * n + j] = j < count && total > 0 ? profile.recent[j].weight / total : 0;
  }
}

/** Every tensor's bytes, so that -0 and +0 or two NaNs of different payloads differ. */
function bytesOf(batch: UserBatch): Record<string, number[]> {
  return Object.fromEntries(Object.entries(userBatchTensors(batch)).map(([name, tensor]) => [name, Array.from(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength))]));
}

describe('writeProfileRow', () => {
  const rows = 64;

  it('writes the rows the dense reference encoder writes, bit for bit, over dirty rows, leaving the scratch zero', () => {
    const random = lcg(7);
    const profiles = Array.from({ length: rows }, () => randomProfile(random));
    const expected = createUserBatch(spec, rows);
    profiles.forEach((profile, row) => referenceRow(expected, row, profile));
    const actual = createUserBatch(spec, rows);
    const scratch = [new Float64Array(41), new Float64Array(301)];
    // The batch is reused batch after batch: every row must be overwritten completely.
    [...profiles].reverse().forEach((profile, row) => writeProfileRow(actual, row, profile, scratch));
    profiles.forEach((profile, row) => writeProfileRow(actual, row, profile, scratch));
    assert.deepEqual(bytesOf(actual), bytesOf(expected));
    assert.ok(scratch.every((acc) => acc.every((v) => v === 0)), 'scratch left all zeros');
  });

  it('writes the same rows from a profile read back from the wire', () => {
    const random = lcg(11);
    const method = loadProtos().grpcObject.dlrs.v1.Ranking.service.EmbedUsers;
    const profiles = Array.from({ length: rows }, () => randomProfile(random));
    const wire = method.requestDeserialize(method.requestSerialize({ profiles: profiles.map((p) => profileToMessage(p, { userId: 'u' })) })).profiles;
    const expected = createUserBatch(spec, rows);
    profiles.forEach((profile, row) => referenceRow(expected, row, profile));
    const actual = createUserBatch(spec, rows);
    wire.forEach((message, row) => writeProfileRow(actual, row, profileFromMessage(message, spec)));
    // The bag's weights are float on the wire: compare those after the same rounding.
    const expectedBytes = bytesOf(expected);
    const actualBytes = bytesOf(actual);
    for (const name of ['user_dist_category', 'user_dist_tags', 'user_cont', 'user_bag_ids']) assert.deepEqual(actualBytes[name], expectedBytes[name], name);
  });
});
