import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProfile } from '../../../shared/features/index.js';
import type { FeatureSpec, Item } from '../../../shared/features/index.js';
import { EmbeddedProfileStore } from '../profile-store/index.js';
import { learnEvents } from './learn-events.js';
import type { GatewayEvent, StoredProfile } from './learn-events.js';

const SPEC: FeatureSpec = {
  features: [
    { name: 'genre', kind: 'multi', vocabulary: ['<oov>', 'drama', 'comedy'] },
    { name: 'fuel', kind: 'categorical', vocabulary: ['<oov>', 'diesel', 'petrol'] },
    { name: 'year', kind: 'continuous', mean: 2000, std: 10 },
  ],
  itemIds: ['<oov>', 'i1', 'i2', 'i3'],
  bagLength: 2,
  eventWeights: { view: 1, purchase: 3 },
};

const ITEMS = new Map<string, Item['features']>([
  ['i1', { genre: ['drama', 'comedy'], fuel: 'diesel', year: 1990 }],
  ['i2', { genre: 'comedy', fuel: 'petrol', year: 2010 }],
  ['i3', { year: 2020 }],
]);

describe('gateway profiles', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlrs-gateway-profiles-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('learns incrementally through the store exactly what the bulk profile learner builds', async () => {
    const store = await EmbeddedProfileStore.open<StoredProfile, GatewayEvent>({ path: join(dir, 'profiles.aof') });
    const events: GatewayEvent[] = [
      { itemId: 'i1', eventType: 'view', timestamp: 1000, eventId: 'a' },
      { itemId: 'i2', eventType: 'purchase', timestamp: 2000, eventId: 'b' },
      { itemId: 'unknown', eventType: 'view', timestamp: 2500, eventId: 'c' },
      { itemId: 'i3', eventType: 'view', timestamp: 3000, weight: 0.5, eventId: 'd' },
    ];
    await store.apply('u1', events.slice(0, 2), learnEvents(SPEC, ITEMS, 10));
    await store.apply('u1', [events[1], ...events.slice(2)], learnEvents(SPEC, ITEMS, 20));
    await store.close();
    const reopened = await EmbeddedProfileStore.open<StoredProfile, GatewayEvent>({ path: join(dir, 'profiles.aof') });
    const stored = await reopened.get('u1');
    await reopened.close();
    assert.ok(stored);
    assert.equal(stored.updatedAtMs, 20);
    const bulk = buildProfile(SPEC, events, (id) => ITEMS.get(id));
    assert.deepEqual(JSON.parse(JSON.stringify(stored.learned)), JSON.parse(JSON.stringify(bulk)));
    assert.equal(stored.learned.eventCount, 4, 'the repeated event b counted once');
  });
});
