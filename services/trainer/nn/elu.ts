/**
 * ELU (alpha = 1), in place: the thesis' activation for every hidden layer. e^v - 1 rather than
 * expm1, whose extra precision near 0 the float32 result mostly rounds away, so that the
 * WebAssembly kernel, which has Math.exp's bits, gives the same values.
 */
export function eluForward(x: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v < 0) x[i] = Math.exp(v) - 1;
  }
  return x;
}

/** dy → dx in place from the ELU output y (dy/dx = 1 above zero, y + 1 below). */
export function eluBackward(y: Float32Array, dy: Float32Array): Float32Array {
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (v < 0) dy[i] *= v + 1;
  }
  return dy;
}
