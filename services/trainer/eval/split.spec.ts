import assert from 'node:assert/strict';
import { dedupeEarliest, heldOutItems, itemIdOrder, splitInteractions, splitStats, testCount } from './split.js';
import type { HeldOut, InteractionLog } from './split.js';

/** Builds a log from [user, item, timestamp] rows. */
function log(rows: ReadonlyArray<readonly [number, number, number]>): InteractionLog {
  return {
    user: Int32Array.from(rows.map((r) => r[0])),
    item: Int32Array.from(rows.map((r) => r[1])),
    timestamp: Float64Array.from(rows.map((r) => r[2])),
  };
}

function testOf(test: HeldOut): Record<number, number[]> {
  return Object.fromEntries([...test.users].map((u, k) => [u, [...heldOutItems(test, k)]]));
}

function trainOf(train: InteractionLog): Array<[number, number]> {
  return [...train.user].map((u, r) => [u, train.item[r]]);
}

describe('eval split', () => {
  it('holds out ceil(20 %), at least one, in integer arithmetic', () => {
    assert.deepEqual([5, 6, 10, 11, 15, 100].map(testCount), [1, 2, 2, 3, 3, 20]);
  });

  it('per user: the last interactions by (timestamp, item id) are test, ties broken by item id', () => {
    // User 0 has 6 events; items 9 and 4 share the last timestamp, 4 < 9 so 9 is last; ceil(1.2) = 2 test items.
    const split = splitInteractions(log([[0, 1, 1], [0, 2, 2], [0, 3, 3], [0, 9, 5], [0, 4, 5], [0, 5, 4]]));
    assert.deepEqual(testOf(split.test), { 0: [4, 9] });
    assert.deepEqual(trainOf(split.train), [[0, 1], [0, 2], [0, 3], [0, 5]]);
    // Reversing the time-tied pair of items gives the same split.
    const swapped = splitInteractions(log([[0, 1, 1], [0, 2, 2], [0, 3, 3], [0, 4, 5], [0, 9, 5], [0, 5, 4]]));
    assert.deepEqual(testOf(swapped.test), { 0: [4, 9] });
    const tieAtCut = splitInteractions(log([[0, 1, 1], [0, 2, 2], [0, 3, 3], [0, 8, 4], [0, 7, 4]]));
    assert.deepEqual(testOf(tieAtCut.test), { 0: [8] });
  });

  it('breaks time ties by item id, numerically for numeric ids, when given the catalog order', () => {
    // Catalog rows 0..4 have ids "10", "9", "b", "a", "0x": numbers first by value, then strings.
    assert.deepEqual([...itemIdOrder(['10', '9', 'b', 'a', '0x'])], [1, 0, 4, 3, 2]);
    // Rows 0 ("10") and 1 ("9") tie at the last timestamp: "10" is the later by id, so it is the test item.
    const rows: Array<[number, number, number]> = [[0, 2, 1], [0, 3, 2], [0, 4, 3], [0, 5, 4], [0, 0, 9], [0, 1, 9]];
    assert.deepEqual(testOf(splitInteractions(log(rows), 'user', itemIdOrder(['10', '9', 'b', 'a', 'c', 'd'])).test), { 0: [0, 1] });
    const five: Array<[number, number, number]> = [[0, 2, 1], [0, 3, 2], [0, 4, 3], [0, 0, 9], [0, 1, 9]];
    assert.deepEqual(testOf(splitInteractions(log(five), 'user', itemIdOrder(['10', '9', 'b', 'a', 'c'])).test), { 0: [0] });
    assert.deepEqual(testOf(splitInteractions(log(five)).test), { 0: [1] });
  });

  it('per user: users with fewer than 5 interactions are train only', () => {
    const split = splitInteractions(log([[1, 1, 1], [1, 2, 2], [1, 3, 3], [1, 4, 4], [2, 1, 1], [2, 2, 2], [2, 3, 3], [2, 4, 4], [2, 5, 5]]));
    assert.deepEqual(testOf(split.test), { 2: [5] });
    assert.equal(split.train.user.filter((u) => u === 1).length, 4);
    assert.equal(split.train.user.length, 8);
  });

  it('duplicates keep the earliest timestamp, so counts and order use it', () => {
    // Item 1 seen at t=1 and t=9: it counts once, at t=1; with 5 distinct items the last (item 5 at t=5) is test.
    const rows: Array<[number, number, number]> = [[0, 1, 9], [0, 1, 1], [0, 2, 2], [0, 3, 3], [0, 4, 4], [0, 5, 5]];
    const events = dedupeEarliest(log(rows));
    assert.deepEqual([...events.item], [1, 2, 3, 4, 5]);
    assert.deepEqual([...events.timestamp], [1, 2, 3, 4, 5]);
    assert.deepEqual(testOf(splitInteractions(log(rows)).test), { 0: [5] });
    // Four distinct items plus a duplicate is still under 5 interactions.
    assert.equal(splitInteractions(log([[0, 1, 1], [0, 1, 2], [0, 2, 3], [0, 3, 4], [0, 4, 5]])).test.users.length, 0);
  });

  it('global: the last 20 % by (timestamp, user, item) are test; known positives removed; users without both sides dropped', () => {
    // 10 events, cut after the 8th. User 2 appears only in test (dropped); user 1 re-reads item 1 in
    // test — a duplicate, so its earliest (train) time counts and it is not a test item.
    const rows: Array<[number, number, number]> = [
      [0, 1, 1], [1, 1, 2], [0, 2, 3], [1, 2, 4], [0, 3, 5], [1, 3, 6], [0, 4, 7], [1, 4, 8],
      [0, 5, 9], [2, 5, 9], [1, 1, 10],
    ];
    const split = splitInteractions(log(rows), 'global');
    assert.deepEqual(testOf(split.test), { 0: [5] });
    assert.equal(split.train.user.length, 8);
    const stats = splitStats(dedupeEarliest(log(rows)), split);
    assert.deepEqual(stats, { users: 3, interactions: 10, trainInteractions: 8, testUsers: 1, testInteractions: 1, unseenTestShare: 1 });
  });

  it('validation applies the same rule inside train', () => {
    const rows: Array<[number, number, number]> = Array.from({ length: 10 }, (_, i) => [0, i, i] as [number, number, number]);
    const split = splitInteractions(log(rows));
    assert.deepEqual(testOf(split.test), { 0: [8, 9] });
    const validation = splitInteractions(split.train);
    assert.deepEqual(testOf(validation.test), { 0: [6, 7] });
    assert.equal(validation.train.user.length, 6);
  });

  it('reports the share of test interactions on items unseen in train', () => {
    const rows: Array<[number, number, number]> = [
      [0, 1, 1], [0, 2, 2], [0, 3, 3], [0, 4, 4], [0, 7, 5],
      [1, 1, 1], [1, 2, 2], [1, 3, 3], [1, 4, 4], [1, 5, 5],
    ];
    const split = splitInteractions(log(rows));
    const stats = splitStats(dedupeEarliest(log(rows)), split);
    assert.equal(stats.testInteractions, 2);
    assert.equal(stats.unseenTestShare, 1);
    assert.equal(stats.testUsers, 2);
  });
});
