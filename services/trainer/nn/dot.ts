/** Row-wise dot products s[r] = a[r] · b[r] of two [m, d] blocks. */
export function rowDotForward(a: Float32Array, b: Float32Array, m: number, d: number): Float32Array {
  const s = new Float32Array(m);
  for (let r = 0; r < m; r++) {
    let acc = 0;
    const o = r * d;
    for (let c = 0; c < d; c++) acc += a[o + c] * b[o + c];
    s[r] = acc;
  }
  return s;
}

/** Accumulates da += ds ⊙ b and db += ds ⊙ a. */
export function rowDotBackward(
  a: Float32Array,
  b: Float32Array,
  ds: Float32Array,
  m: number,
  d: number,
  da: Float32Array,
  db: Float32Array,
): void {
  for (let r = 0; r < m; r++) {
    const g = ds[r];
    if (g === 0) continue;
    const o = r * d;
    for (let c = 0; c < d; c++) {
      da[o + c] += g * b[o + c];
      db[o + c] += g * a[o + c];
    }
  }
}
