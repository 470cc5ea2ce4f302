import assert from 'node:assert/strict';
import { compareProbeAnswer, DEFAULT_PROBE_TOLERANCE } from './compare-probe-answer.js';

const reference = Array.from({ length: 10 }, (_, i) => ({ itemId: `i${i}`, score: 0.9 - i * 0.05 }));

describe('compareProbeAnswer', () => {
  it('accepts the reference itself and a reordering with float rounding', () => {
    assert.equal(compareProbeAnswer(reference, reference, DEFAULT_PROBE_TOLERANCE), undefined);
    const rounded = [...reference].reverse().map((item) => ({ ...item, score: item.score + 1e-6 }));
    assert.equal(compareProbeAnswer(reference, rounded, DEFAULT_PROBE_TOLERANCE), undefined);
  });

  it('accepts an approximate search that lost two of ten items, refuses one that lost three', () => {
    const lostTwo = [...reference.slice(0, 8), { itemId: 'x', score: 0.1 }, { itemId: 'y', score: 0.1 }];
    assert.equal(compareProbeAnswer(reference, lostTwo, DEFAULT_PROBE_TOLERANCE), undefined);
    const lostThree = [...reference.slice(0, 7), { itemId: 'x', score: 0.1 }];
    assert.equal(compareProbeAnswer(reference, lostThree, DEFAULT_PROBE_TOLERANCE), 'top-10 overlap with the reference 7/10 < 0.8');
  });

  it('refuses the same items scored by other weights, naming the item', () => {
    const other = reference.map((item, i) => (i === 4 ? { ...item, score: item.score + 0.02 } : item));
    assert.match(compareProbeAnswer(reference, other, DEFAULT_PROBE_TOLERANCE) ?? '', /^score of i4 differs from the reference by 0\.0200 > 0\.001$/);
  });

  it('an empty reference wants an empty answer', () => {
    assert.equal(compareProbeAnswer([], [], DEFAULT_PROBE_TOLERANCE), undefined);
    assert.match(compareProbeAnswer([], reference, DEFAULT_PROBE_TOLERANCE) ?? '', /10 items served/);
  });
});
