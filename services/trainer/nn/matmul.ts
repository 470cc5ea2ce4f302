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
    // Four rows of B per pass: one load/store of the C row per four multiply-adds.
    for (; p + 3 < k; p += 4) {
      const a0 = a[ai + p];
      const a1 = a[ai + p + 1];
      const a2 = a[ai + p + 2];
      const a3 = a[ai + p + 3];
      const b0 = p * n;
      const b1 = b0 + n;
      const b2 = b1 + n;
      const b3 = b2 + n;
      for (let j = 0; j < n; j++) c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
    }
    for (; p < k; p++) {
      const a0 = a[ai + p];
      const b0 = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += a0 * b[b0 + j];
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
  let i = 0;
  // Four rows of A and G per pass: each C row is loaded and stored once per four updates.
  for (; i + 3 < m; i += 4) {
    const g0 = i * n;
    const g1 = g0 + n;
    const g2 = g1 + n;
    const g3 = g2 + n;
    for (let p = 0; p < k; p++) {
      const a0 = a[i * k + p];
      const a1 = a[(i + 1) * k + p];
      const a2 = a[(i + 2) * k + p];
      const a3 = a[(i + 3) * k + p];
      const cp = p * n;
      for (let j = 0; j < n; j++) c[cp + j] += a0 * g[g0 + j] + a1 * g[g1 + j] + a2 * g[g2 + j] + a3 * g[g3 + j];
    }
  }
  for (; i < m; i++) {
    const gi = i * n;
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p];
      if (av === 0) continue;
      const cp = p * n;
      for (let j = 0; j < n; j++) c[cp + j] += av * g[gi + j];
    }
  }
}
