import assert from 'node:assert/strict';
import { buildFeatureSpec, encodeCatalog } from '../../../shared/features/index.js';
import type { TensorMap } from '../../../shared/features/index.js';
import { loadDataset } from '../datasets/index.js';
import { buildTrainingData } from './build-training-data.js';
import { SESSION_GAP_MS } from './example-cuts.js';
import type { UserEvents } from './user-events.js';

/** One user whose events are catalog rows 0 .. EVENTS - 1, in that time order. */
const EVENTS = 40;

/** Per example: how many history events its profile holds, and the most recent one's item index. */
function histories(feed: TensorMap, rows: number, bagLength: number): { length: number; last: number }[] {
  const ids = feed.user_bag_ids.data;
  const weights = feed.user_bag_weights.data;
  return Array.from({ length: rows }, (_, r) => {
    let length = 0;
    while (length < bagLength && weights[r * bagLength + length] > 0) length++;
    return { length, last: Number(ids[r * bagLength]) };
  });
}

describe('buildTrainingData (history → later item examples)', () => {
  /** One user's EVENTS events a minute apart, with a two-day gap before event GAP_AT. */
  const GAP_AT = Math.floor(EVENTS / 2);
  const MINUTE_MS = 60_000;
  const timestamps = Float64Array.from({ length: EVENTS }, (_, j) => j * MINUTE_MS + (j >= GAP_AT ? 2 * SESSION_GAP_MS : 0));

  async function build(horizon: number, sessionCut = 0, targetWindow = 1): Promise<{ lengths: { length: number; last: number }[]; itemIndex: Int32Array }> {
    const dataset = await loadDataset('synthetic:tiny');
    const rows = Int32Array.from({ length: EVENTS }, (_, j) => j);
    // A bag as long as the whole history, so its length counts the history's events.
    const spec = buildFeatureSpec(dataset.items, rows, { bagLength: EVENTS });
    const encoded = encodeCatalog(spec, dataset.items);
    const fit: UserEvents = { offsets: Int32Array.from([0, EVENTS]), items: rows, timestamps };
    const data = buildTrainingData(spec, encoded, fit, 8, horizon, sessionCut, targetWindow);
    assert.equal(data.exampleCount, EVENTS - 1, 'one example per event after the first');
    const examples = Int32Array.from({ length: data.exampleCount }, (_, e) => e);
    return { lengths: histories(data.userFeed(examples), data.exampleCount, EVENTS), itemIndex: encoded.itemIndex };
  }

  it('with horizon 0 predicts the next item from every earlier event', async () => {
    const { lengths, itemIndex } = await build(0);
    lengths.forEach(({ length, last }, e) => {
      const target = e + 1;
      assert.equal(length, target, `example ${e}: the whole history before the target`);
      assert.equal(last, itemIndex[target - 1], 'the most recent event is the one just before the target');
    });
  });

  it('with horizon h cuts the history so that the target lies less than h × its length ahead', async () => {
    const { lengths, itemIndex } = await build(0.25);
    let skipped = 0;
    lengths.forEach(({ length, last }, e) => {
      const target = e + 1;
      assert.ok(length >= 1 && length <= target, `example ${e}: history length ${length} within [1, ${target}]`);
      assert.ok(target < length * 1.25, `example ${e}: target ${target} within 25 % of the history (${length}) ahead`);
      assert.equal(last, itemIndex[length - 1], 'the history ends at the cut, in time order');
      if (length < target) skipped++;
    });
    assert.ok(skipped > EVENTS / 4, `most long histories skip events before the target (${skipped} did)`);
  });

  it('with target window k draws the target among the k items after the history', async () => {
    const { lengths, itemIndex } = await build(0, 0, 4);
    const gaps = new Set<number>();
    lengths.forEach(({ length, last }, e) => {
      const target = e + 1;
      assert.ok(length >= 1 && length <= target && target - length < 4, `example ${e}: history length ${length}, target ${target}`);
      assert.equal(last, itemIndex[length - 1], 'the history ends at the cut, in time order');
      gaps.add(target - length);
    });
    assert.deepEqual([...gaps].sort(), [0, 1, 2, 3], 'every distance within the window occurs');
  });

  it('gives the same profiles with all of them encoded once as replayed batch by batch', async () => {
    const dataset = await loadDataset('synthetic:tiny');
    const spec = buildFeatureSpec(dataset.items, dataset.interactions.item, { bagLength: 5 });
    const encoded = encodeCatalog(spec, dataset.items);
    const users = 3;
    const rows = Int32Array.from({ length: 3 * EVENTS }, (_, j) => (j * 7) % encoded.count);
    const fit: UserEvents = { offsets: Int32Array.from([0, EVENTS, 2 * EVENTS, users * EVENTS]), items: rows, timestamps: Float64Array.from(rows, (_, j) => j * 1000) };
    const cached = buildTrainingData(spec, encoded, fit, 8, 0.25);
    const replayed = buildTrainingData(spec, encoded, fit, 8, 0.25, 0, 1, 0);
    // Out of order and with users interleaved, as a shuffled batch comes.
    const batch = Int32Array.from([50, 3, 100, 7, 49, 0, 77, 3]);
    assert.deepEqual(cached.userFeed(batch), replayed.userFeed(batch));
  });

  it('with session cut 1 predicts every item of a later session from the history before that session', async () => {
    const { lengths, itemIndex } = await build(0, 1);
    lengths.forEach(({ length, last }, e) => {
      const target = e + 1;
      const expected = target >= GAP_AT ? GAP_AT : target;
      assert.equal(length, expected, `example ${e}: history of ${expected} events`);
      assert.equal(last, itemIndex[expected - 1], 'the history ends where the session starts');
    });
  });

  it('draws the same cuts on every build (every thread trains on the same examples)', async () => {
    assert.deepEqual(await build(0.25), await build(0.25));
  });
});
