import { matmulAcc, matmulTransAAcc, matmulTransBAcc, stepArray } from './kernels.js';
import type { Param } from './param.js';

/** y[m,out] = x[m,in] · W[in,out] + b[out]. */
export function denseForward(x: Float32Array, m: number, w: Param, b: Param | null): Float32Array {
  const inDim = w.spec.rows;
  const outDim = w.spec.cols;
  const y = stepArray(m * outDim);
  if (b !== null) for (let i = 0; i < m; i++) y.set(b.value, i * outDim);
  matmulAcc(x, w.value, y, m, inDim, outDim);
  return y;
}

/** Accumulates dW, db; returns dx when asked (null for network inputs). */
export function denseBackward(
  x: Float32Array,
  dy: Float32Array,
  m: number,
  w: Param,
  b: Param | null,
  needDx: boolean,
): Float32Array | null {
  const inDim = w.spec.rows;
  const outDim = w.spec.cols;
  matmulTransAAcc(x, dy, w.grad, m, inDim, outDim);
  if (b !== null) {
    const db = b.grad;
    for (let i = 0; i < m; i++) {
      const o = i * outDim;
      for (let j = 0; j < outDim; j++) db[j] += dy[o + j];
    }
  }
  if (!needDx) return null;
  const dx = stepArray(m * inDim);
  matmulTransBAcc(dy, w.value, dx, m, outDim, inDim);
  return dx;
}
