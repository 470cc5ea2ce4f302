/**
 * Row-major float32 GEMM kernels. V8 compiles these to scalar code, so speed comes from
 * register blocking: a kernel keeps a 3×4 block of C in twelve locals over the whole inner
 * dimension (seven loads per twelve multiply-adds instead of two per one) and stores each
 * C element once; 3×4 measured faster than 2×4 and 4×4 on AMD EPYC cores. Leftover
 * rows and columns take one-row loops. All kernels accumulate into C (callers zero it);
 * every C element gets one sum over the inner dimension in index order.
 */

/** C[m,n] += A[m,k] · B[k,n]. */
export function matmulAcc(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number): void {
  const n4 = n - (n % 4);
  let i = 0;
  for (; i + 2 < m; i += 3) {
    const a0 = i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const c0 = i * n;
    const c1 = c0 + n;
    const c2 = c1 + n;
    for (let j = 0; j < n4; j += 4) {
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      let s20 = 0;
      let s21 = 0;
      let s22 = 0;
      let s23 = 0;
      for (let p = 0, bp = j; p < k; p++, bp += n) {
        const x0 = a[a0 + p];
        const x1 = a[a1 + p];
        const x2 = a[a2 + p];
        const y0 = b[bp];
        const y1 = b[bp + 1];
        const y2 = b[bp + 2];
        const y3 = b[bp + 3];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
        s20 += x2 * y0;
        s21 += x2 * y1;
        s22 += x2 * y2;
        s23 += x2 * y3;
      }
      c[c0 + j] += s00;
      c[c0 + j + 1] += s01;
      c[c0 + j + 2] += s02;
      c[c0 + j + 3] += s03;
      c[c1 + j] += s10;
      c[c1 + j + 1] += s11;
      c[c1 + j + 2] += s12;
      c[c1 + j + 3] += s13;
      c[c2 + j] += s20;
      c[c2 + j + 1] += s21;
      c[c2 + j + 2] += s22;
      c[c2 + j + 3] += s23;
    }
    for (let j = n4; j < n; j++) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      for (let p = 0, bp = j; p < k; p++, bp += n) {
        const y = b[bp];
        s0 += a[a0 + p] * y;
        s1 += a[a1 + p] * y;
        s2 += a[a2 + p] * y;
      }
      c[c0 + j] += s0;
      c[c1 + j] += s1;
      c[c2 + j] += s2;
    }
  }
  for (; i < m; i++) {
    const a0 = i * k;
    const c0 = i * n;
    for (let j = 0; j < n4; j += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let p = 0, bp = j; p < k; p++, bp += n) {
        const x = a[a0 + p];
        s0 += x * b[bp];
        s1 += x * b[bp + 1];
        s2 += x * b[bp + 2];
        s3 += x * b[bp + 3];
      }
      c[c0 + j] += s0;
      c[c0 + j + 1] += s1;
      c[c0 + j + 2] += s2;
      c[c0 + j + 3] += s3;
    }
    for (let j = n4; j < n; j++) {
      let s = 0;
      for (let p = 0, bp = j; p < k; p++, bp += n) s += a[a0 + p] * b[bp];
      c[c0 + j] += s;
    }
  }
}

/** C[m,n] += A[m,k] · B[n,k]ᵀ. */
export function matmulTransBAcc(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number): void {
  const n4 = n - (n % 4);
  let i = 0;
  for (; i + 2 < m; i += 3) {
    const a0 = i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const c0 = i * n;
    const c1 = c0 + n;
    const c2 = c1 + n;
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * k;
      const b1 = b0 + k;
      const b2 = b1 + k;
      const b3 = b2 + k;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      let s20 = 0;
      let s21 = 0;
      let s22 = 0;
      let s23 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = a[a0 + p];
        const x1 = a[a1 + p];
        const x2 = a[a2 + p];
        const y0 = b[b0 + p];
        const y1 = b[b1 + p];
        const y2 = b[b2 + p];
        const y3 = b[b3 + p];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
        s20 += x2 * y0;
        s21 += x2 * y1;
        s22 += x2 * y2;
        s23 += x2 * y3;
      }
      c[c0 + j] += s00;
      c[c0 + j + 1] += s01;
      c[c0 + j + 2] += s02;
      c[c0 + j + 3] += s03;
      c[c1 + j] += s10;
      c[c1 + j + 1] += s11;
      c[c1 + j + 2] += s12;
      c[c1 + j + 3] += s13;
      c[c2 + j] += s20;
      c[c2 + j + 1] += s21;
      c[c2 + j + 2] += s22;
      c[c2 + j + 3] += s23;
    }
    for (let j = n4; j < n; j++) {
      const bj = j * k;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      for (let p = 0; p < k; p++) {
        const y = b[bj + p];
        s0 += a[a0 + p] * y;
        s1 += a[a1 + p] * y;
        s2 += a[a2 + p] * y;
      }
      c[c0 + j] += s0;
      c[c1 + j] += s1;
      c[c2 + j] += s2;
    }
  }
  for (; i < m; i++) {
    const a0 = i * k;
    const c0 = i * n;
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * k;
      const b1 = b0 + k;
      const b2 = b1 + k;
      const b3 = b2 + k;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let p = 0; p < k; p++) {
        const x = a[a0 + p];
        s0 += x * b[b0 + p];
        s1 += x * b[b1 + p];
        s2 += x * b[b2 + p];
        s3 += x * b[b3 + p];
      }
      c[c0 + j] += s0;
      c[c0 + j + 1] += s1;
      c[c0 + j + 2] += s2;
      c[c0 + j + 3] += s3;
    }
    for (let j = n4; j < n; j++) {
      const bj = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[a0 + p] * b[bj + p];
      c[c0 + j] += s;
    }
  }
}

/** C[k,n] += A[m,k]ᵀ · G[m,n] (the weight gradient of a dense layer). */
export function matmulTransAAcc(a: Float32Array, g: Float32Array, c: Float32Array, m: number, k: number, n: number): void {
  const n4 = n - (n % 4);
  let p = 0;
  for (; p + 2 < k; p += 3) {
    const c0 = p * n;
    const c1 = c0 + n;
    const c2 = c1 + n;
    for (let j = 0; j < n4; j += 4) {
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      let s20 = 0;
      let s21 = 0;
      let s22 = 0;
      let s23 = 0;
      for (let i = 0, ai = p, gi = j; i < m; i++, ai += k, gi += n) {
        const x0 = a[ai];
        const x1 = a[ai + 1];
        const x2 = a[ai + 2];
        const y0 = g[gi];
        const y1 = g[gi + 1];
        const y2 = g[gi + 2];
        const y3 = g[gi + 3];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
        s20 += x2 * y0;
        s21 += x2 * y1;
        s22 += x2 * y2;
        s23 += x2 * y3;
      }
      c[c0 + j] += s00;
      c[c0 + j + 1] += s01;
      c[c0 + j + 2] += s02;
      c[c0 + j + 3] += s03;
      c[c1 + j] += s10;
      c[c1 + j + 1] += s11;
      c[c1 + j + 2] += s12;
      c[c1 + j + 3] += s13;
      c[c2 + j] += s20;
      c[c2 + j + 1] += s21;
      c[c2 + j + 2] += s22;
      c[c2 + j + 3] += s23;
    }
    for (let j = n4; j < n; j++) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      for (let i = 0, ai = p, gi = j; i < m; i++, ai += k, gi += n) {
        const y = g[gi];
        s0 += a[ai] * y;
        s1 += a[ai + 1] * y;
        s2 += a[ai + 2] * y;
      }
      c[c0 + j] += s0;
      c[c1 + j] += s1;
      c[c2 + j] += s2;
    }
  }
  for (; p < k; p++) {
    const c0 = p * n;
    for (let j = 0; j < n4; j += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0, ai = p, gi = j; i < m; i++, ai += k, gi += n) {
        const x = a[ai];
        s0 += x * g[gi];
        s1 += x * g[gi + 1];
        s2 += x * g[gi + 2];
        s3 += x * g[gi + 3];
      }
      c[c0 + j] += s0;
      c[c0 + j + 1] += s1;
      c[c0 + j + 2] += s2;
      c[c0 + j + 3] += s3;
    }
    for (let j = n4; j < n; j++) {
      let s = 0;
      for (let i = 0, ai = p, gi = j; i < m; i++, ai += k, gi += n) s += a[ai] * g[gi];
      c[c0 + j] += s;
    }
  }
}
