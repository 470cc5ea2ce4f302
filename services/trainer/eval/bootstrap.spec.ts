import assert from 'node:assert/strict';
import { pairedBootstrap } from './bootstrap.js';
import { SeededRandom } from '../../../shared/random/index.js';

describe('eval pairedBootstrap', () => {
  const rng = new SeededRandom(11);
  const b = Float64Array.from({ length: 300 }, () => rng.next());
  const a = b.map((v) => v * 1.2 + 0.01 * rng.normal());

  it('is deterministic for a seed and changes with it', () => {
    const first = pairedBootstrap(a, b, { seed: 7, samples: 500 });
    assert.deepEqual(pairedBootstrap(a, b, { seed: 7, samples: 500 }), first);
    assert.notEqual(pairedBootstrap(a, b, { seed: 8, samples: 500 }).low, first.low);
  });

  it('brackets the observed relative improvement, tightly when the pairs move together', () => {
    const r = pairedBootstrap(a, b, { seed: 1 });
    assert.ok(Math.abs(r.relative - 0.2) < 0.02, `relative ${r.relative}`);
    assert.ok(r.low < r.relative && r.relative < r.high);
    assert.ok(r.high - r.low < 0.05, `interval ${r.low}..${r.high}`);
    const same = pairedBootstrap(b, b, { seed: 1 });
    assert.deepEqual([same.relative, same.low, same.high], [0, 0, 0]);
  });

  it('rejects unpaired inputs', () => {
    assert.throws(() => pairedBootstrap(a, b.subarray(1), { seed: 1 }), RangeError);
  });
});
