// Inverse of a symmetric positive definite matrix through its Cholesky factor, on Float64Array.
// Row-major throughout, with every inner loop a dot product of two contiguous rows.

/** Thrown (as RangeError) when the matrix is not positive definite to working precision. */
const NOT_SPD = 'matrix is not positive definite';

/** Lower Cholesky factor L of the n × n row-major matrix `a` (A = L·Lᵀ); the upper triangle of the result is 0. */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= l[ri + k] * l[rj + k];
      if (i === j) {
        if (!(s > 0)) throw new RangeError(`${NOT_SPD} (pivot ${i} is ${s})`);
        l[ri + i] = Math.sqrt(s);
      } else {
        l[ri + j] = s / l[rj + j];
      }
    }
  }
  return l;
}

/** A⁻¹ for a symmetric positive definite n × n row-major A, as (L⁻¹)ᵀ·L⁻¹. */
export function spdInverse(a: Float64Array, n: number): Float64Array {
  const l = cholesky(a, n);
  // Rows of t are the columns of L⁻¹ (t = L⁻ᵀ, upper triangular), found by forward substitution
  // on L·x = e_j; keeping them as rows makes the final product a row-by-row dot product.
  const t = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    t[rj + j] = 1 / l[j * n + j];
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = 0;
      for (let k = j; k < i; k++) s -= l[ri + k] * t[rj + k];
      t[rj + i] = s / l[ri + i];
    }
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      // (L⁻ᵀ L⁻¹)_{ij} = Σ_k (L⁻¹)_{ki} (L⁻¹)_{kj}, nonzero for k ≥ max(i, j) = i.
      let s = 0;
      for (let k = i; k < n; k++) s += t[ri + k] * t[rj + k];
      inv[ri + j] = s;
      inv[rj + i] = s;
    }
  }
  return inv;
}
