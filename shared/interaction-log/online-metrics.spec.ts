import assert from 'node:assert/strict';
import type { LoggedImpression, LoggedInteraction } from './interaction-log-record.js';
import { onlineMetrics } from './online-metrics.js';

const imp = (userId: string, items: string[], modelVersion: string, timestamp: number): LoggedImpression => ({ type: 'impression', userId, items, scores: items.map(() => 1), modelVersion, timestamp });
const ev = (userId: string, itemId: string, eventType: string, timestamp: number): LoggedInteraction => ({ type: 'interaction', userId, itemId, eventType, timestamp });

describe('online metrics from impressions', () => {
  const options = { windowMs: 1000, clickTypes: new Set(['click']) };

  it('credits an impressed item with an event inside the window, per model version', () => {
    const impressions = [imp('u1', ['a', 'b'], 'v1', 0), imp('u2', ['a', 'c'], 'v2', 0)];
    const events = [ev('u1', 'a', 'click', 500), ev('u1', 'b', 'view', 900), ev('u2', 'c', 'click', 1500), ev('u2', 'a', 'click', -1)];
    const [v1, v2] = onlineMetrics(impressions, events, options);
    assert.deepEqual([v1.modelVersion, v1.impressedItems, v1.clicked, v1.engaged, v1.clickThrough, v1.anyEvent], ['v1', 2, 1, 2, 0.5, 1]);
    assert.deepEqual([v2.modelVersion, v2.clicked, v2.engaged], ['v2', 0, 0], 'one event after the window, one before the impression');
  });

  it('limits impressions to [from, to) and skips anonymous ones', () => {
    const impressions = [imp('u1', ['a'], 'v1', 0), imp('u1', ['a'], 'v1', 5000), imp('', ['a'], 'v1', 5000)];
    const [v1] = onlineMetrics(impressions, [ev('u1', 'a', 'click', 5100)], { ...options, from: 4000, to: 6000 });
    assert.deepEqual([v1.impressions, v1.clicked], [1, 1]);
  });
});
