import assert from 'node:assert/strict';
import { SeededRandom } from '../../../shared/random/index.js';
import { EXPF_FLOOR, expf } from './expf.js';

describe('expf', () => {
  it('is within 2 float32 ulp of e^x over the softmax range, and 0 below the floor', () => {
    const rng = new SeededRandom(11);
    let worst = 0;
    for (let i = 0; i < 200_000; i++) {
      const x = Math.fround(-rng.next() * [1, 10, 87][i % 3]);
      const exact = Math.exp(x);
      const ulp = 2 ** (Math.floor(Math.log2(exact)) - 23);
      worst = Math.max(worst, Math.abs(expf(x) - exact) / ulp);
    }
    assert.ok(worst <= 2, `worst error ${worst} ulp`);
    assert.equal(expf(0), 1);
    assert.equal(expf(-Infinity), 0);
    assert.equal(expf(Math.fround(EXPF_FLOOR - 1)), 0);
  });
});
