/**
 * Row-major float32 GEMM kernels. V8 compiles these to scalar code, so speed comes from
 * register blocking: a kernel keeps a 3×4 block of C in twelve locals over the whole inner
 * dimension (seven loads per twelve multiply-adds instead of two per one) and stores each
 * C element once; 3×4 measured faster than 2×4 and 4×4 on AMD EPYC cores. Leftover
 * rows and columns take one-row loops. All kernels accumulate into C (callers zero it);
 * every C element gets one float32 sum over the inner dimension in index order (each product
 * and add rounded by Math.fround, which V8 compiles to float32 instructions), then one float32
 * add to C: float32 arithmetic, as the four-lane WebAssembly kernels do it.
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
        s00 = Math.fround(s00 + Math.fround(x0 * y0));
        s01 = Math.fround(s01 + Math.fround(x0 * y1));
        s02 = Math.fround(s02 + Math.fround(x0 * y2));
        s03 = Math.fround(s03 + Math.fround(x0 * y3));
        s10 = Math.fround(s10 + Math.fround(x1 * y0));
        s11 = Math.fround(s11 + Math.fround(x1 * y1));
        s12 = Math.fround(s12 + Math.fround(x1 * y2));
        s13 = Math.fround(s13 + Math.fround(x1 * y3));
        s20 = Math.fround(s20 + Math.fround(x2 * y0));
        s21 = Math.fround(s21 + Math.fround(x2 * y1));
        s22 = Math.fround(s22 + Math.fround(x2 * y2));
        s23 = Math.fround(s23 + Math.fround(x2 * y3));
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
        s0 = Math.fround(s0 + Math.fround(a[a0 + p] * y));
        s1 = Math.fround(s1 + Math.fround(a[a1 + p] * y));
        s2 = Math.fround(s2 + Math.fround(a[a2 + p] * y));
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
        s0 = Math.fround(s0 + Math.fround(x * b[bp]));
        s1 = Math.fround(s1 + Math.fround(x * b[bp + 1]));
        s2 = Math.fround(s2 + Math.fround(x * b[bp + 2]));
        s3 = Math.fround(s3 + Math.fround(x * b[bp + 3]));
      }
      c[c0 + j] += s0;
      c[c0 + j + 1] += s1;
      c[c0 + j + 2] += s2;
      c[c0 + j + 3] += s3;
    }
    for (let j = n4; j < n; j++) {
      let s = 0;
      for (let p = 0, bp = j; p < k; p++, bp += n) s = Math.fround(s + Math.fround(a[a0 + p] * b[bp]));
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
        s00 = Math.fround(s00 + Math.fround(x0 * y0));
        s01 = Math.fround(s01 + Math.fround(x0 * y1));
        s02 = Math.fround(s02 + Math.fround(x0 * y2));
        s03 = Math.fround(s03 + Math.fround(x0 * y3));
        s10 = Math.fround(s10 + Math.fround(x1 * y0));
        s11 = Math.fround(s11 + Math.fround(x1 * y1));
        s12 = Math.fround(s12 + Math.fround(x1 * y2));
        s13 = Math.fround(s13 + Math.fround(x1 * y3));
        s20 = Math.fround(s20 + Math.fround(x2 * y0));
        s21 = Math.fround(s21 + Math.fround(x2 * y1));
        s22 = Math.fround(s22 + Math.fround(x2 * y2));
        s23 = Math.fround(s23 + Math.fround(x2 * y3));
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
        s0 = Math.fround(s0 + Math.fround(a[a0 + p] * y));
        s1 = Math.fround(s1 + Math.fround(a[a1 + p] * y));
        s2 = Math.fround(s2 + Math.fround(a[a2 + p] * y));
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
        s0 = Math.fround(s0 + Math.fround(x * b[b0 + p]));
        s1 = Math.fround(s1 + Math.fround(x * b[b1 + p]));
        s2 = Math.fround(s2 + Math.fround(x * b[b2 + p]));
        s3 = Math.fround(s3 + Math.fround(x * b[b3 + p]));
      }
      c[c0 + j] += s0;
      c[c0 + j + 1] += s1;
      c[c0 + j + 2] += s2;
      c[c0 + j + 3] += s3;
    }
    for (let j = n4; j < n; j++) {
      const bj = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s = Math.fround(s + Math.fround(a[a0 + p] * b[bj + p]));
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
        s00 = Math.fround(s00 + Math.fround(x0 * y0));
        s01 = Math.fround(s01 + Math.fround(x0 * y1));
        s02 = Math.fround(s02 + Math.fround(x0 * y2));
        s03 = Math.fround(s03 + Math.fround(x0 * y3));
        s10 = Math.fround(s10 + Math.fround(x1 * y0));
        s11 = Math.fround(s11 + Math.fround(x1 * y1));
        s12 = Math.fround(s12 + Math.fround(x1 * y2));
        s13 = Math.fround(s13 + Math.fround(x1 * y3));
        s20 = Math.fround(s20 + Math.fround(x2 * y0));
        s21 = Math.fround(s21 + Math.fround(x2 * y1));
        s22 = Math.fround(s22 + Math.fround(x2 * y2));
        s23 = Math.fround(s23 + Math.fround(x2 * y3));
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
        s0 = Math.fround(s0 + Math.fround(a[ai] * y));
        s1 = Math.fround(s1 + Math.fround(a[ai + 1] * y));
        s2 = Math.fround(s2 + Math.fround(a[ai + 2] * y));
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
        s0 = Math.fround(s0 + Math.fround(x * g[gi]));
        s1 = Math.fround(s1 + Math.fround(x * g[gi + 1]));
        s2 = Math.fround(s2 + Math.fround(x * g[gi + 2]));
        s3 = Math.fround(s3 + Math.fround(x * g[gi + 3]));
      }
      c[c0 + j] += s0;
      c[c0 + j + 1] += s1;
      c[c0 + j + 2] += s2;
      c[c0 + j + 3] += s3;
    }
    for (let j = n4; j < n; j++) {
      let s = 0;
      for (let i = 0, ai = p, gi = j; i < m; i++, ai += k, gi += n) s = Math.fround(s + Math.fround(a[ai] * g[gi]));
      c[c0 + j] += s;
    }
  }
}
