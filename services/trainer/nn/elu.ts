/** ELU (alpha = 1), in place: the thesis' activation for every hidden layer. */
export function eluForward(x: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v < 0) x[i] = Math.expm1(v);
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
