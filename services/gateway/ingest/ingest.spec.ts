import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DlrsError } from '../../../shared/errors/index.js';
import type { FeatureSpec, Item } from '../../../shared/features/index.js';
import type { UserEvent__Output } from '../../../shared/generated/dlrs/v1/UserEvent.js';
import { InteractionLogWriter, readInteractionLog } from '../../../shared/interaction-log/index.js';
import type { InteractionLogRecord } from '../../../shared/interaction-log/index.js';
import { PopularityTracker } from '../popularity/index.js';
import { EmbeddedProfileStore } from '../profile-store/index.js';
import type { GatewayEvent, StoredProfile } from '../profiles/index.js';
import { parseUserEvents } from './parse-user-events.js';
import type { UserEventLimits } from './parse-user-events.js';
import { recordEvents } from './record-events.js';
import type { RecordEventsDeps } from './record-events.js';

const SPEC: FeatureSpec = {
  features: [{ name: 'genre', kind: 'categorical', vocabulary: ['<oov>', 'drama', 'comedy'] }],
  itemIds: ['<oov>', 'i1', 'i2'],
  bagLength: 5,
  eventWeights: { view: 1, purchase: 4 },
};
const FEATURES = new Map<string, Item['features']>([
  ['i1', { genre: 'drama' }],
  ['i2', { genre: 'comedy' }],
]);

function userEvent(userId: string, itemId: string, extra: Partial<UserEvent__Output['interaction'] & object> = {}): UserEvent__Output {
  return { userId, interaction: { itemId, eventType: 'view', timestampMs: 1000, eventId: '', ...extra } };
}

function eventLimits(maxEventsPerBatch: number): UserEventLimits {
  return { maxEventsPerBatch, maxEventWeight: 100, maxEventFutureMs: 60_000 };
}

function expectInvalid(field: string): (error: unknown) => boolean {
  return (error) => error instanceof DlrsError && error.code === 'INVALID_ARGUMENT' && error.field === field;
}

describe('event ingestion', () => {
  describe('parseUserEvents', () => {
    it('keeps valid events, with the receive time for a zero timestamp', () => {
      const parsed = parseUserEvents([userEvent('u1', 'i1', { eventId: 'e1', weight: 2 }), userEvent('u2', 'i2', { timestampMs: 0 })], eventLimits(10), 5000);
      assert.deepEqual(parsed, [
        { userId: 'u1', event: { itemId: 'i1', eventType: 'view', timestamp: 1000, weight: 2, eventId: 'e1' } },
        { userId: 'u2', event: { itemId: 'i2', eventType: 'view', timestamp: 5000 } },
      ]);
    });

    it('names the bad field', () => {
      assert.throws(() => parseUserEvents([], eventLimits(10), 0), expectInvalid('events'));
      assert.throws(() => parseUserEvents([userEvent('u', 'i'), userEvent('u', 'i')], eventLimits(1), 0), expectInvalid('events'));
      assert.throws(() => parseUserEvents([userEvent('u', 'i'), userEvent('', 'i')], eventLimits(10), 0), expectInvalid('events[1].user_id'));
      assert.throws(() => parseUserEvents([{ userId: 'u', interaction: null }], eventLimits(10), 0), expectInvalid('events[0].interaction'));
      assert.throws(() => parseUserEvents([userEvent('u', '')], eventLimits(10), 0), expectInvalid('events[0].interaction.item_id'));
      assert.throws(() => parseUserEvents([userEvent('u', 'x'.repeat(257))], eventLimits(10), 0), expectInvalid('events[0].interaction.item_id'));
      assert.throws(() => parseUserEvents([userEvent('u', 'i', { weight: 0 })], eventLimits(10), 0), expectInvalid('events[0].interaction.weight'));
      assert.throws(() => parseUserEvents([userEvent('u', 'i', { weight: Number.NaN })], eventLimits(10), 0), expectInvalid('events[0].interaction.weight'));
      assert.throws(() => parseUserEvents([userEvent('u', 'i', { timestampMs: -1 })], eventLimits(10), 0), expectInvalid('events[0].interaction.timestamp_ms'));
      assert.throws(() => parseUserEvents([userEvent('u', 'i', { eventType: 'v'.repeat(65) })], eventLimits(10), 0), expectInvalid('events[0].interaction.event_type'));
      assert.throws(() => parseUserEvents([userEvent('u', 'i', { eventType: 'é'.repeat(33) })], eventLimits(10), 0), expectInvalid('events[0].interaction.event_type'));
      assert.throws(() => parseUserEvents([userEvent('u', 'i', { eventId: 'e'.repeat(257) })], eventLimits(10), 0), expectInvalid('events[0].interaction.event_id'));
    });

    it('bounds explicit weights and timestamps in the future', () => {
      assert.equal(parseUserEvents([userEvent('u', 'i', { weight: 100 })], eventLimits(10), 0)[0].event.weight, 100);
      assert.throws(() => parseUserEvents([userEvent('u', 'i', { weight: 100.5 })], eventLimits(10), 0), expectInvalid('events[0].interaction.weight'));
      assert.throws(() => parseUserEvents([userEvent('u', 'i', { weight: 3e38 })], eventLimits(10), 0), /weight: must be finite, > 0 and at most 100, got 3e\+38/);
      assert.equal(parseUserEvents([userEvent('u', 'i', { timestampMs: 70_000 })], eventLimits(10), 10_000)[0].event.timestamp, 70_000);
      assert.throws(() => parseUserEvents([userEvent('u', 'i', { timestampMs: 70_001 })], eventLimits(10), 10_000), expectInvalid('events[0].interaction.timestamp_ms'));
      assert.throws(() => parseUserEvents([userEvent('u', 'x'.repeat(300))], eventLimits(10), 0), /item_id: at most 256 bytes, got 300/);
    });
  });

  describe('recordEvents', () => {
    let dir: string;
    let store: EmbeddedProfileStore<StoredProfile, GatewayEvent>;
    let log: InteractionLogWriter;
    let deps: RecordEventsDeps;
    let fetched: string[][];

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'dlrs-ingest-'));
      store = await EmbeddedProfileStore.open({ path: join(dir, 'profiles.aof') });
      log = await InteractionLogWriter.open({ dir: join(dir, 'log'), writerId: 'gw' });
      fetched = [];
      deps = {
        store,
        spec: () => SPEC,
        itemFeatures: async (ids) => {
          fetched.push([...ids]);
          return new Map(ids.map((id) => [id, FEATURES.get(id)]));
        },
        popularity: new PopularityTracker({ now: () => 10_000 }),
        log,
        now: () => 7,
      };
    });

    afterEach(async () => {
      await store.close();
      await log.close();
      await rm(dir, { recursive: true, force: true });
    });

    const readLog = async (): Promise<InteractionLogRecord[]> => {
      await log.flush();
      const records: InteractionLogRecord[] = [];
      for await (const record of readInteractionLog(join(dir, 'log'))) records.push(record);
      return records;
    };

    it('learns each user’s profile, fetching the items’ features once per batch', async () => {
      const events = parseUserEvents([userEvent('u1', 'i1', { eventId: 'a' }), userEvent('u2', 'i2', { eventId: 'b', eventType: 'purchase' }), userEvent('u1', 'i2', { eventId: 'c' })], eventLimits(10), 0);
      const result = await recordEvents(deps, events);
      assert.equal(result.accepted, 3);
      assert.equal(result.duplicates, 0);
      assert.deepEqual(fetched, [['i1', 'i2']]);
      const u1 = result.profiles.get('u1');
      assert.deepEqual({ ...u1?.learned.values.genre }, { drama: 1, comedy: 1 });
      assert.equal(u1?.updatedAtMs, 7);
      assert.deepEqual((await store.get('u2'))?.learned.values.genre, { comedy: 4 });
    });

    it('logs and counts the popularity of applied events only, never duplicates', async () => {
      await recordEvents(deps, parseUserEvents([userEvent('u1', 'i1', { eventId: 'a' }), userEvent('u1', 'i2', { eventId: 'b', eventType: 'purchase' })], eventLimits(10), 0));
      const again = await recordEvents(deps, parseUserEvents([userEvent('u1', 'i1', { eventId: 'a' }), userEvent('u1', 'i1', { eventId: 'c' })], eventLimits(10), 0));
      assert.deepEqual([again.accepted, again.duplicates], [1, 1]);
      const logged = await readLog();
      assert.deepEqual(logged.map((r) => (r.type === 'interaction' ? r.eventId : '')), ['a', 'b', 'c']);
      assert.deepEqual(logged[1], { type: 'interaction', userId: 'u1', itemId: 'i2', eventType: 'purchase', timestamp: 1000, eventId: 'b' });
      assert.deepEqual(deps.popularity.top(2).map((p) => [p.itemId, p.score]), [['i2', 4], ['i1', 2]]);
    });

    it('counts the popularity of catalog items only, while the profile still gets the unknown item', async () => {
      const result = await recordEvents(deps, parseUserEvents([userEvent('u1', 'not-in-catalog', { weight: 100 }), userEvent('u1', 'i1')], eventLimits(10), 0));
      assert.equal(result.accepted, 2);
      assert.deepEqual(deps.popularity.top(5).map((p) => p.itemId), ['i1']);
      assert.deepEqual(result.profiles.get('u1')?.learned.recent.map((r) => r.itemId), ['i1', 'not-in-catalog']);
      assert.equal((await readLog()).length, 2, 'the log keeps both for training');
    });

    it('fails with UNAVAILABLE and applies nothing when item features cannot be fetched', async () => {
      deps.itemFeatures = async () => {
        throw new DlrsError('UNAVAILABLE', 'retrieval is down');
      };
      await assert.rejects(recordEvents(deps, parseUserEvents([userEvent('u1', 'i1', { eventId: 'a' })], eventLimits(10), 0)), (error) => error instanceof DlrsError && error.code === 'UNAVAILABLE' && /retrieval is down/.test(error.message));
      assert.equal(await store.get('u1'), undefined);
      assert.deepEqual(await readLog(), []);
    });
  });
});
