/**
 * e^x in float32 arithmetic, for the softmax: x = k·ln2 + r with |r| ≤ ln2/2 (ln2 split in a
 * short high part, exact in k, and a low correction), e^r by a degree-7 minimax polynomial (the
 * coefficients Cephes' expf uses), then times 2^k. Every step is one float32 operation
 * (Math.fround of a double operation on float32 values is exactly that), so the four-lane
 * WebAssembly kernel doing the same steps gives the same bits. Within 2 ulp of e^x for
 * x ≥ EXPF_FLOOR, 0 below it (masked −Infinity logits included); softmax arguments are ≤ 0.
 */

export const EXPF_LOG2E = Math.fround(Math.LOG2E);
export const EXPF_LN2_HI = Math.fround(0.693359375);
export const EXPF_LN2_LO = Math.fround(-2.12194440e-4);
/** e^r − 1 − r ≈ r²·P(r), highest power first. */
export const EXPF_POLYNOMIAL = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1].map(Math.fround);
/** ln(2^-126): below it e^x leaves float32's normal range, and the result is 0. */
export const EXPF_FLOOR = Math.fround(-87.33654);

const f = Math.fround;

/** e^x for a float32 x, in float32 (see the module comment). */
export function expf(x: number): number {
  if (x < EXPF_FLOOR) return 0;
  const k = Math.floor(f(f(x * EXPF_LOG2E) + 0.5));
  let r = f(x - f(k * EXPF_LN2_HI));
  r = f(r - f(k * EXPF_LN2_LO));
  const z = f(r * r);
  let y = EXPF_POLYNOMIAL[0];
  for (let i = 1; i < EXPF_POLYNOMIAL.length; i++) y = f(f(y * r) + EXPF_POLYNOMIAL[i]);
  y = f(f(f(y * z) + r) + 1);
  return f(y * 2 ** k);
}
