import assert from 'node:assert/strict';
import { quantile } from './latency-burst.js';

describe('quantile', () => {
  it('takes the nearest rank: p50 of 1..100 is 50, p99 is 99, p100 is 100', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(quantile(values, 0.5), 50);
    assert.equal(quantile(values, 0.99), 99);
    assert.equal(quantile(values, 1), 100);
  });

  it('is the only value of one sample and NaN of none', () => {
    assert.equal(quantile([7], 0.9), 7);
    assert.ok(Number.isNaN(quantile([], 0.5)));
  });
});
