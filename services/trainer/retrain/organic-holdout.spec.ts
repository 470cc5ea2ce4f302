import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InteractionLogWriter } from '../../../shared/interaction-log/index.js';
import type { Dataset } from '../datasets/index.js';
import { organicHoldout, readExposures } from './organic-holdout.js';

/** Users u0, u1; items i0..i3; each event (user, item, time). */
function dataset(events: [number, number, number][]): Dataset {
  return {
    name: 'test',
    items: { ids: ['i0', 'i1', 'i2', 'i3'], titles: [], features: new Map() },
    interactions: {
      user: Int32Array.from(events, (e) => e[0]),
      item: Int32Array.from(events, (e) => e[1]),
      timestamp: Float64Array.from(events, (e) => e[2]),
      eventType: new Uint8Array(events.length),
      weight: new Float32Array(events.length).fill(NaN),
      userIds: ['u0', 'u1'],
      eventTypes: ['click'],
    },
    skippedRows: 0,
    skippedRowMessages: [],
  };
}

describe('organic hold-out (exposure-aware)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlrs-organic-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('drops a held-out event on an item impressed to that user within the window before it, and keeps the others', async () => {
    const writer = await InteractionLogWriter.open({ dir, writerId: 'gw' });
    // u0 was shown i1 at 1000 (clicked at 1500: exposed) and i2 at 100 (clicked at 5000: older than the window).
    writer.append({ type: 'impression', userId: 'u0', items: ['i1', 'i2'], scores: [1, 0.5], modelVersion: 'm1', timestamp: 1000 });
    writer.append({ type: 'impression', userId: 'u0', items: ['i2'], scores: [1], modelVersion: 'm1', timestamp: 100 });
    // u1 was shown i1 too, but after its event: it did not cause it.
    writer.append({ type: 'impression', userId: 'u1', items: ['i1'], scores: [1], modelVersion: 'm1', timestamp: 2500 });
    await writer.close();
    const exposures = await readExposures(dir, 0);
    const data = dataset([
      [0, 1, 1500],
      [0, 2, 5000],
      [1, 1, 2000],
      [1, 3, 2100],
    ]);
    const test = { users: Int32Array.of(0, 1), offsets: Int32Array.of(0, 2, 4), items: Int32Array.of(1, 2, 1, 3) };
    const kept = organicHoldout(test, data, exposures, 3000);
    assert.deepEqual([...kept.test.users], [0, 1]);
    assert.deepEqual([...kept.test.items], [2, 1, 3]);
    assert.deepEqual([...kept.test.offsets], [0, 1, 3]);
    assert.equal(kept.exposed, 1);
    assert.equal(kept.organic, 3);
    assert.deepEqual(kept.shown.map((rows) => [...rows].sort()), [[1, 2], [1]], 'what each kept user was shown, for both models to rank without');
  });

  it('drops a user left without a held-out event', async () => {
    const exposures = new Map([['u0\u0000i1', [1000]]]);
    const kept = organicHoldout({ users: Int32Array.of(0), offsets: Int32Array.of(0, 1), items: Int32Array.of(1) }, dataset([[0, 1, 1200]]), exposures, 60_000);
    assert.equal(kept.test.users.length, 0);
    assert.equal(kept.usersDropped, 1);
  });
});
