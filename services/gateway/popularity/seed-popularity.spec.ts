import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeatureSpec } from '../../../shared/features/index.js';
import { InteractionLogWriter } from '../../../shared/interaction-log/index.js';
import { PopularityTracker } from './popularity-tracker.js';
import { seedPopularity } from './seed-popularity.js';

const SPEC: FeatureSpec = { features: [], itemIds: ['<oov>'], bagLength: 3, eventWeights: { purchase: 5 } };

describe('seedPopularity', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlrs-seed-popularity-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('feeds the logged interactions since a time, weighted by event type, and skips impressions', async () => {
    const log = await InteractionLogWriter.open({ dir, writerId: 'gw', maxFileBytes: 200 });
    log.append({ type: 'interaction', userId: 'u1', itemId: 'old', eventType: 'purchase', timestamp: 10 });
    log.append({ type: 'interaction', userId: 'u1', itemId: 'a', eventType: 'view', timestamp: 100 });
    log.append({ type: 'interaction', userId: 'u2', itemId: 'a', eventType: 'view', timestamp: 110, weight: 1.5 });
    log.append({ type: 'interaction', userId: 'u2', itemId: 'b', eventType: 'purchase', timestamp: 120 });
    log.append({ type: 'impression', userId: 'u2', items: ['c', 'c'], scores: [1, 1], modelVersion: 'm', timestamp: 130 });
    await log.close();
    const tracker = new PopularityTracker({ halfLifeMs: 1e12, now: () => 1000 });
    assert.equal(await seedPopularity(tracker, dir, SPEC, 50), 3);
    assert.deepEqual(tracker.top(5).map((p) => [p.itemId, Math.round(p.score * 100) / 100]), [['b', 5], ['a', 2.5]]);
  });
});
