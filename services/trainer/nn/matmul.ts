/**
 * Row-major float32 GEMM kernels. Loop orders keep the innermost loop on contiguous
 * memory; `matmulTransB` computes four output columns per pass so each row of A is
 * loaded once per four dot products. All kernels accumulate into C (callers zero it).
 */

/** C[m,n] += A[m,k] · B[k,n]. */
export function matmulAcc(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    const ai = i * k;
    let p = 0;
    // Two rows of B per pass halve the loads/stores of the C row.
    for (; p + 1 < k; p += 2) {
      const a0 = a[ai + p];
      const a1 = a[ai + p + 1];
      if (a0 === 0 && a1 === 0) continue;
      const b0 = p * n;
      const b1 = b0 + n;
      for (let j = 0; j < n; j++) c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j];
    }
    if (p < k) {
      const a0 = a[ai + p];
      if (a0 !== 0) {
        const b0 = p * n;
        for (let j = 0; j < n; j++) c[ci + j] += a0 * b[b0 + j];
      }
    }
  }
}

/** C[m,n] += A[m,k] · B[n,k]ᵀ. */
export function matmulTransBAcc(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    const ci = i * n;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const b0 = j * k;
      const b1 = b0 + k;
      const b2 = b1 + k;
      const b3 = b2 + k;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let p = 0; p < k; p++) {
        const av = a[ai + p];
        s0 += av * b[b0 + p];
        s1 += av * b[b1 + p];
        s2 += av * b[b2 + p];
        s3 += av * b[b3 + p];
      }
      c[ci + j] += s0;
      c[ci + j + 1] += s1;
      c[ci + j + 2] += s2;
      c[ci + j + 3] += s3;
    }
    for (; j < n; j++) {
      const b0 = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ai + p] * b[b0 + p];
      c[ci + j] += s;
    }
  }
}

/** C[k,n] += A[m,k]ᵀ · G[m,n] (the weight gradient of a dense layer). */
export function matmulTransAAcc(a: Float32Array, g: Float32Array, c: Float32Array, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    const gi = i * n;
    for (let p = 0; p < k; p++) {
      const av = a[ai + p];
      if (av === 0) continue;
      const cp = p * n;
      for (let j = 0; j < n; j++) c[cp + j] += av * g[gi + j];
    }
  }
}
