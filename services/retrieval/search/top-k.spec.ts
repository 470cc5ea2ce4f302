import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TopK } from './top-k.js';

describe('TopK', () => {
  it('drains the k best candidates best first, equal scores by ascending slot, like a full sort', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        // Distinct slots, as a search offers them, and few distinct scores, so that ties are common.
        fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: -5, max: 5 })), { maxLength: 120, selector: ([slot]) => slot }),
        (k, candidates) => {
          const top = new TopK(k);
          for (const [slot, score] of candidates) top.push(slot, score / 4);
          const { slots, scores } = top.drain();
          const kept = Array.from(slots, (slot, i) => [slot, scores[i]] as const);
          const best = candidates.map(([slot, score]) => [slot, score / 4] as const).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
          // The heap keeps the first of equal candidates at the cut, so only the scores are fixed there.
          assert.deepEqual(Array.from(scores), best.slice(0, k).map(([, score]) => score));
          kept.forEach(([slot, score], i) => i > 0 && assert.ok(kept[i - 1][1] > score || (kept[i - 1][1] === score && kept[i - 1][0] < slot), 'best first, ties by slot'));
          assert.equal(top.size, 0);
        },
      ),
      { numRuns: 500 },
    );
  });
});
