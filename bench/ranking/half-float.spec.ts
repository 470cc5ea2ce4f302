import assert from 'node:assert/strict';
import { decodeHalf, encodeHalf, fromHalfBits, toHalfBits } from './half-float.js';

describe('half-float', () => {
  it('round-trips values within half precision', () => {
    const values = new Float32Array([0, 1, -2.5, 0.1, 65504, 1e-5, -0.333]);
    const back = decodeHalf(encodeHalf(values));
    values.forEach((v, k) => assert.ok(Math.abs(back[k] - v) <= Math.abs(v) * 1e-3 + 1e-7, `${v} -> ${back[k]}`));
  });

  it('encodes the special values', () => {
    assert.equal(toHalfBits(1), 0x3c00);
    assert.equal(toHalfBits(1e6), 0x7c00);
    assert.equal(fromHalfBits(0x7c00), Infinity);
    assert.ok(Number.isNaN(fromHalfBits(toHalfBits(Number.NaN))));
  });
});
