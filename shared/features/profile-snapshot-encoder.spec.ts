import assert from 'node:assert/strict';
import { SeededRandom } from '../random/index.js';
import { buildFeatureSpec } from './build-feature-spec.js';
import { encodeCatalog } from './encoded-items.js';
import { eventWeight } from './feature-spec.js';
import type { InteractionEvent } from './item.js';
import { catalogItem } from './item-catalog.js';
import type { CatalogColumn, ItemCatalog } from './item-catalog.js';
import { ProfileSnapshotEncoder } from './profile-snapshot-encoder.js';
import { createUserBatch, encodeUsers, userBatchTensors } from './user-batch.js';
import { buildProfile } from './user-profile.js';

/** A random catalog with missing values and more values than the vocabularies keep (OOV merges). */
function randomCatalog(rng: SeededRandom, count: number): ItemCatalog {
  const genreCodes = Int32Array.from({ length: count }, () => (rng.next() < 0.1 ? -1 : rng.int(30)));
  const offsets = new Int32Array(count + 1);
  const tagCodes: number[] = [];
  for (let r = 0; r < count; r++) {
    const n = rng.int(4);
    for (let k = 0; k < n; k++) tagCodes.push(rng.int(15));
    offsets[r + 1] = tagCodes.length;
  }
  const features = new Map<string, CatalogColumn>([
    ['genre', { kind: 'categorical', levels: Array.from({ length: 30 }, (_, i) => `g${i}`), codes: genreCodes }],
    ['tags', { kind: 'multi', levels: Array.from({ length: 15 }, (_, i) => `t${i}`), offsets, codes: Int32Array.from(tagCodes) }],
    ['price', { kind: 'continuous', values: Float64Array.from({ length: count }, () => (rng.next() < 0.2 ? NaN : 10 + 5 * rng.normal())) }],
    ['year', { kind: 'continuous', values: Float64Array.from({ length: count }, () => 1950 + rng.int(70)) }],
  ]);
  return { ids: Array.from({ length: count }, (_, r) => `item${r}`), titles: [], features };
}

describe('ProfileSnapshotEncoder', () => {
  it('writes, before each event, the tensors encodeUsers gives for the profile of the earlier events', () => {
    const rng = new SeededRandom(11);
    const catalog = randomCatalog(rng, 60);
    const trainRows = Int32Array.from({ length: 100 }, () => rng.int(50));
    const spec = buildFeatureSpec(catalog, trainRows, { maxVocabulary: 8, bagLength: 5, eventWeights: { view: 1, buy: 4, skip: 0 } });
    const encoded = encodeCatalog(spec, catalog);
    const encoder = new ProfileSnapshotEncoder(spec, encoded);
    const batch = createUserBatch(spec, 64);
    const eventTypes = ['view', 'buy', 'skip'];
    let compared = 0;
    for (let user = 0; user < 6; user++) {
      const rows = Array.from({ length: 1 + rng.int(12) }, () => rng.int(60));
      const events: InteractionEvent[] = rows.map((row, j) => {
        const event: InteractionEvent = { itemId: catalog.ids[row], timestamp: 1000 * j + (j % 3 === 0 ? 0 : 1), eventType: eventTypes[rng.int(3)] };
        if (rng.next() < 0.2) event.weight = 0.5;
        return event;
      });
      encoder.reset();
      events.forEach((event, j) => {
        encoder.writeRow(batch, j);
        encoder.addEvent(rows[j], eventWeight(spec, event.eventType, event.weight));
      });
      encoder.writeRow(batch, events.length);
      const profiles = Array.from({ length: events.length + 1 }, (_, j) =>
        buildProfile(spec, events.slice(0, j), (id) => catalogItem(catalog, catalog.ids.indexOf(id)).features),
      );
      const expected = encodeUsers(spec, profiles);
      const actual = userBatchTensors(batch, events.length + 1);
      assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
      for (const name of Object.keys(expected)) {
        assert.deepEqual(actual[name].dims, expected[name].dims, name);
        const a = actual[name].data;
        const e = expected[name].data;
        for (let i = 0; i < e.length; i++) assert.ok(Math.abs(a[i] - e[i]) <= 1e-6, `user ${user} ${name}[${i}]: ${a[i]} != ${e[i]}`);
        compared += e.length;
      }
    }
    assert.ok(compared > 1000);
  });

  it('starts every user from an empty profile after reset', () => {
    const rng = new SeededRandom(3);
    const catalog = randomCatalog(rng, 20);
    const spec = buildFeatureSpec(catalog, [0, 1, 2]);
    const encoder = new ProfileSnapshotEncoder(spec, encodeCatalog(spec, catalog));
    const batch = createUserBatch(spec, 2);
    for (let r = 0; r < 20; r++) encoder.addEvent(r, 1);
    encoder.reset();
    encoder.writeRow(batch, 0);
    encoder.addEvent(4, 1);
    encoder.writeRow(batch, 1);
    assert.deepEqual(userBatchTensors(batch), encodeUsers(spec, [buildProfile(spec, [], () => undefined), buildProfile(spec, [{ itemId: 'item4', timestamp: 0, eventType: 'view' }], () => catalogItem(catalog, 4).features)]));
  });
});
