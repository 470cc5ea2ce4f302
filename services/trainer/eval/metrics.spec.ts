import assert from 'node:assert/strict';
import { averagePrecisionAt, evaluateRankings, meanWithError, ndcgAt, recallAt, summarizeMetrics } from './metrics.js';
import { heldOutFrom } from './split.js';
import { topK } from './top-k.js';

const close = (actual: number, expected: number): void => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);

describe('eval metrics', () => {
  it('AP@k averages precision at every hit over min(k, |R|)', () => {
    // Hits at ranks 1 and 3 of R = {1, 3, 9}: (1/1 + 2/3) / min(5, 3).
    close(averagePrecisionAt([1, 2, 3, 4, 5], new Set([1, 3, 9]), 5), (1 + 2 / 3) / 3);
    // k = 2 < |R| = 3: only the hit at rank 1 counts, divided by 2.
    close(averagePrecisionAt([1, 2, 3, 4, 5], new Set([1, 3, 9]), 2), 1 / 2);
  });

  it('AP@k with fewer relevant items than k divides by |R|', () => {
    // One relevant item at rank 2, k = 10: P@2 · 1 / min(10, 1) = 1/2.
    close(averagePrecisionAt([7, 4, 8, 9], new Set([4]), 10), 0.5);
    // All of R at the top gives 1 however large k is.
    close(averagePrecisionAt([4, 7, 1, 2], new Set([4, 7]), 100), 1);
  });

  it('AP@k, recall and NDCG are 0 without hits and with an empty R', () => {
    assert.equal(averagePrecisionAt([1, 2, 3], new Set([5, 6]), 3), 0);
    assert.equal(recallAt([1, 2, 3], new Set([5, 6]), 3), 0);
    assert.equal(ndcgAt([1, 2, 3], new Set([5, 6]), 3), 0);
    assert.equal(averagePrecisionAt([1, 2, 3], new Set(), 3), 0);
    assert.equal(ndcgAt([], new Set([1]), 3), 0);
  });

  it('ignores hits past k and handles lists shorter than k', () => {
    close(averagePrecisionAt([1, 2, 3], new Set([3]), 2), 0);
    close(averagePrecisionAt([3], new Set([3, 4]), 5), 1 / 2);
    close(recallAt([1, 2, 3], new Set([3, 4]), 2), 0);
    close(recallAt([1, 2, 3], new Set([3, 4]), 3), 1 / 2);
  });

  it('NDCG@k uses binary gains and an ideal over min(k, |R|) hits', () => {
    // Hit at rank 2 only, |R| = 1: (1/log2 3) / 1.
    close(ndcgAt([5, 6, 7], new Set([6]), 3), 1 / Math.log2(3));
    // Hits at ranks 1 and 3, |R| = 4, k = 3: ideal has 3 hits.
    const dcg = 1 + 1 / 2;
    const ideal = 1 + 1 / Math.log2(3) + 1 / 2;
    close(ndcgAt([1, 9, 2], new Set([1, 2, 3, 4]), 3), dcg / ideal);
  });

  it('tied scores rank the lower item index first, so AP@k of a tie is deterministic', () => {
    // Three items tie; the relevant one has the highest index, so it lands at rank 3: AP@3 = (1/3) / 1.
    const ranked = topK(Float32Array.from([0.5, 0.5, 0.5]), 3);
    close(averagePrecisionAt(ranked, new Set([2]), 3), 1 / 3);
    close(averagePrecisionAt(topK(Float32Array.from([0.5, 0.5, 0.5]), 3), new Set([0]), 3), 1);
    close(ndcgAt(ranked, new Set([2]), 3), 1 / 2);
  });

  it('evaluateRankings keeps one value per test user, aligned with the held-out users', () => {
    const test = heldOutFrom(new Map([[3, [10]], [1, [20, 21]]]));
    assert.deepEqual([...test.users], [1, 3]);
    const perUser = evaluateRankings([[20, 5, 21], [5, 10]], test);
    close(perUser['map@1'][0], 1);
    close(perUser['map@5'][0], (1 + 2 / 3) / 2);
    close(perUser['map@5'][1], 1 / 2);
    close(perUser['recall@10'][1], 1);
    assert.throws(() => evaluateRankings([[1]], test), RangeError);
  });

  it('meanWithError gives the mean and the standard error of the mean', () => {
    const { mean, standardError } = meanWithError(Float64Array.from([1, 2, 3, 4]));
    close(mean, 2.5);
    close(standardError, Math.sqrt(5 / 3 / 4));
    assert.deepEqual(meanWithError(new Float64Array(0)), { mean: 0, standardError: 0 });
    const summary = summarizeMetrics(evaluateRankings([[1]], heldOutFrom(new Map([[0, [1]]]))));
    close(summary['ndcg@10'].mean, 1);
  });
});
