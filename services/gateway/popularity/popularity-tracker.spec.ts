import assert from 'node:assert/strict';
import { PopularityTracker } from './popularity-tracker.js';

const HOUR_MS = 3_600_000;

describe('PopularityTracker', () => {
  const t0 = Date.UTC(2026, 0, 1);

  it('ranks items by summed weight, ties by item id, and skips what the caller excludes', () => {
    const tracker = new PopularityTracker({ now: () => t0, rankRefreshMs: 0 });
    for (const [item, weight] of [['b', 1], ['a', 1], ['c', 3], ['b', 1], ['d', 2]] as const) tracker.record(item, weight, t0);
    assert.deepEqual(tracker.top(10).map((p) => p.itemId), ['c', 'b', 'd', 'a']);
    assert.deepEqual(tracker.top(2).map((p) => [p.itemId, p.score]), [['c', 3], ['b', 2]]);
    assert.deepEqual(tracker.top(2, (id) => id === 'c').map((p) => p.itemId), ['b', 'd']);
  });

  it('halves an interaction after one half-life, so that fresh interest overtakes old', () => {
    let nowMs = t0;
    const tracker = new PopularityTracker({ halfLifeMs: HOUR_MS, now: () => nowMs, rankRefreshMs: 0 });
    tracker.record('old', 4, t0);
    nowMs = t0 + 2 * HOUR_MS;
    tracker.record('new', 1.5, nowMs);
    const [first, second] = tracker.top(2);
    assert.equal(first.itemId, 'new');
    assert.equal(second.itemId, 'old');
    assert.ok(Math.abs(second.score - 1) < 1e-9, `old decayed to ${second.score}`);
    tracker.record('old', 1, t0 + HOUR_MS);
    assert.ok(Math.abs(tracker.top(1)[0].score - 1.5) < 1e-9, 'a late event decays by its own timestamp');
  });

  it('cuts a weight down to maxWeight, so that one event cannot outweigh many', () => {
    const tracker = new PopularityTracker({ now: () => t0, rankRefreshMs: 0, maxWeight: 100 });
    tracker.record('stuffed', 3e38, t0);
    for (let i = 0; i < 101; i++) tracker.record('liked', 1, t0);
    assert.deepEqual(tracker.top(2).map((p) => [p.itemId, p.score]), [['liked', 101], ['stuffed', 100]]);
    assert.throws(() => new PopularityTracker({ maxWeight: 0 }), /maxWeight/);
  });

  it('treats a timestamp from the future as now and ignores bad weights', () => {
    const tracker = new PopularityTracker({ halfLifeMs: HOUR_MS, now: () => t0, rankRefreshMs: 0 });
    tracker.record('a', 1, t0);
    tracker.record('b', 1, t0 + 1000 * HOUR_MS);
    tracker.record('c', Number.NaN, t0);
    tracker.record('c', -1, t0);
    tracker.record('c', 1, Number.POSITIVE_INFINITY);
    assert.deepEqual(tracker.top(5).map((p) => [p.itemId, p.score]), [['a', 1], ['b', 1]]);
  });

  it('stays finite and ordered across years of half-lives', () => {
    let nowMs = t0;
    const tracker = new PopularityTracker({ halfLifeMs: HOUR_MS, now: () => nowMs, rankRefreshMs: 0 });
    for (let day = 0; day < 400; day++) {
      nowMs = t0 + day * 24 * HOUR_MS;
      tracker.record(day % 2 === 0 ? 'even' : 'odd', 1, nowMs);
    }
    const top = tracker.top(2);
    assert.ok(top.every((p) => Number.isFinite(p.score) && p.score > 0));
    assert.equal(top[0].itemId, 'odd', 'the latest day wins');
  });

  it('keeps memory bounded and the heavy hitters when the stream has many items', () => {
    const tracker = new PopularityTracker({ capacity: 50, now: () => t0, rankRefreshMs: 0 });
    for (let i = 0; i < 5000; i++) {
      tracker.record(`tail${i}`, 1, t0);
      if (i % 10 === 0) tracker.record(`hit${i % 30}`, 5, t0);
    }
    assert.ok(tracker.size < 100, `${tracker.size} items tracked`);
    const top = new Set(tracker.top(30).map((p) => p.itemId));
    for (let h = 0; h < 30; h += 10) assert.ok(top.has(`hit${h}`), `hit${h} survives`);
  });

  it('forgets a removed item', () => {
    const tracker = new PopularityTracker({ now: () => t0, rankRefreshMs: 0 });
    tracker.record('a', 2, t0);
    tracker.record('b', 1, t0);
    tracker.remove('a');
    assert.deepEqual(tracker.top(5).map((p) => p.itemId), ['b']);
  });

  it('re-ranks new interactions at most every rankRefreshMs, but forgets a removed item at once', () => {
    let nowMs = t0;
    const tracker = new PopularityTracker({ now: () => nowMs, rankRefreshMs: 1000 });
    tracker.record('a', 1, t0);
    assert.deepEqual(tracker.top(5).map((p) => p.itemId), ['a']);
    tracker.record('b', 5, t0);
    assert.deepEqual(tracker.top(5).map((p) => p.itemId), ['a'], 'still the ranking of a moment ago');
    nowMs += 1000;
    assert.deepEqual(tracker.top(5).map((p) => p.itemId), ['b', 'a']);
    tracker.remove('b');
    assert.deepEqual(tracker.top(5).map((p) => p.itemId), ['a']);
  });
});
