import assert from 'node:assert/strict';
import { LATER_VISIT_MS, groupMean, returningUsers } from './returning-users.js';
import { heldOutFrom } from './split.js';
import type { Events } from './split.js';

describe('returningUsers', () => {
  it('marks a test user whose held-out events include one more than a day after the last train event', () => {
    const hour = 3600 * 1000;
    // user 0: train at 0, held out at 1 h (continues); user 1: train at 0, held out at 1 h and 1 day + 1 h (returns).
    const events: Events = {
      user: Int32Array.of(0, 0, 1, 1, 1),
      item: Int32Array.of(10, 11, 10, 12, 13),
      timestamp: Float64Array.of(0, hour, 0, hour, LATER_VISIT_MS + hour),
    };
    const train: Events = { user: Int32Array.of(0, 1), item: Int32Array.of(10, 10), timestamp: Float64Array.of(0, 0) };
    const test = heldOutFrom(new Map([[0, [11]], [1, [12, 13]]]));
    const mask = returningUsers(events, train, test);
    assert.deepEqual([...mask], [0, 1]);
    assert.equal(groupMean(Float64Array.of(0.5, 0.1), mask, 0), 0.5);
    assert.ok(Number.isNaN(groupMean(Float64Array.of(0.5), Uint8Array.of(0), 1)));
  });
});
