import assert from 'node:assert/strict';
import { matmulAcc, matmulTransAAcc, matmulTransBAcc } from './matmul.js';
import { SeededRandom } from '../../../shared/random/index.js';

function naive(a: Float32Array, b: Float32Array, m: number, k: number, n: number, ta: boolean, tb: boolean): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = s;
    }
  return c;
}

describe('matmul kernels', () => {
  const rng = new SeededRandom(3);
  const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());
  // Odd sizes exercise the unrolled loops' remainders.
  const [m, k, n] = [7, 5, 6];

  it('A·B, A·Bᵀ and Aᵀ·G equal the naive product', () => {
    const a = rand(m * k);
    const b = rand(k * n);
    const c = new Float32Array(m * n);
    matmulAcc(a, b, c, m, k, n);
    naive(a, b, m, k, n, false, false).forEach((v, i) => assert.ok(Math.abs(v - c[i]) < 1e-4));

    const bt = rand(n * k);
    const c2 = new Float32Array(m * n);
    matmulTransBAcc(a, bt, c2, m, k, n);
    naive(a, bt, m, k, n, false, true).forEach((v, i) => assert.ok(Math.abs(v - c2[i]) < 1e-4));

    const g = rand(m * n);
    const c3 = new Float32Array(k * n);
    matmulTransAAcc(a, g, c3, m, k, n);
    naive(a, g, k, m, n, true, false).forEach((v, i) => assert.ok(Math.abs(v - c3[i]) < 1e-4));
  });

  it('equal the naive products for every remainder of the 3×4 blocks', () => {
    for (const mm of [1, 2, 3, 4, 5, 7])
      for (const kk of [1, 2, 3, 5])
        for (const nn of [1, 3, 4, 6, 9]) {
          const a = rand(mm * kk);
          const b = rand(kk * nn);
          const c = new Float32Array(mm * nn);
          matmulAcc(a, b, c, mm, kk, nn);
          naive(a, b, mm, kk, nn, false, false).forEach((v, i) => assert.ok(Math.abs(v - c[i]) < 1e-4, `A·B ${mm}x${kk}x${nn}`));
          const bt = rand(nn * kk);
          const c2 = new Float32Array(mm * nn);
          matmulTransBAcc(a, bt, c2, mm, kk, nn);
          naive(a, bt, mm, kk, nn, false, true).forEach((v, i) => assert.ok(Math.abs(v - c2[i]) < 1e-4, `A·Bᵀ ${mm}x${kk}x${nn}`));
          const g = rand(mm * nn);
          const c3 = new Float32Array(kk * nn);
          matmulTransAAcc(a, g, c3, mm, kk, nn);
          naive(a, g, kk, mm, nn, true, false).forEach((v, i) => assert.ok(Math.abs(v - c3[i]) < 1e-4, `Aᵀ·G ${mm}x${kk}x${nn}`));
        }
  });

  it('accumulates into C', () => {
    const a = rand(m * k);
    const b = rand(k * n);
    const c = new Float32Array(m * n).fill(1);
    matmulAcc(a, b, c, m, k, n);
    naive(a, b, m, k, n, false, false).forEach((v, i) => assert.ok(Math.abs(v + 1 - c[i]) < 1e-4));
  });
});
