import assert from 'node:assert/strict';
import { Matrix, inverse } from 'ml-matrix';
import { SeededRandom } from '../../../shared/random/index.js';
import { spdInverse } from './spd-inverse.js';

describe('eval spdInverse', () => {
  it('inverts a random SPD matrix like ml-matrix does', () => {
    const n = 40;
    const rng = new SeededRandom(3);
    const x = Matrix.from1DArray(n, n, Array.from({ length: n * n }, () => rng.normal()));
    const a = x.mmul(x.transpose()).add(Matrix.eye(n).mul(0.5));
    const mine = spdInverse(Float64Array.from(a.to1DArray()), n);
    const reference = inverse(a).to1DArray();
    for (let k = 0; k < n * n; k++) assert.ok(Math.abs(mine[k] - reference[k]) < 1e-8, `entry ${k}`);
  });

  it('rejects a matrix that is not positive definite', () => {
    assert.throws(() => spdInverse(Float64Array.from([1, 2, 2, 1]), 2), RangeError);
  });
});
