import { adamUpdate as jsAdamUpdate, mergeGrads as jsMergeGrads } from './adam-update.js';
import { embeddingBagBackward as jsBagBackward, embeddingBagForward as jsBagForward } from './embedding.js';
import type { ParamKernels } from './kernel-set.js';
import { PARAM_WAT } from './param-wat.js';
import { instantiateWat, wasmArena } from './wasm-module.js';

type AddClearFn = (g: number, s: number, count: number) => void;
type AdamFn = (w: number, g: number, m: number, v: number, count: number, b1: number, c1: number, b2: number, c2: number, stepSize: number, eps: number) => void;
type BagForwardFn = (table: number, ids: number, weights: number, out: number, rows: number, bag: number, width: number) => void;
type BagBackwardFn = (grad: number, touched: number, ids: number, weights: number, dy: number, rows: number, bag: number, width: number) => void;

/**
 * Adam, the gradient merge and the embedding bag on WebAssembly SIMD, over parameters resident
 * in the kernel memory (allocateBuffers puts them there): no copies of tables or moments. Arrays
 * elsewhere (a run without the kernel memory) fall back to the JavaScript reference, which gives
 * the same bits. The bag's ids, weights and dy are copied in, its output copied out.
 */
export async function wasmParamKernels(): Promise<ParamKernels> {
  const exports = await instantiateWat('param.wat', PARAM_WAT);
  const addClear = exports.addClear as AddClearFn;
  const adam = exports.adam as AdamFn;
  const bagForward = exports.bagForward as BagForwardFn;
  const bagBackward = exports.bagBackward as BagBackwardFn;
  const arena = wasmArena();
  const resident = (...xs: ArrayBufferView[]): boolean => xs.every((x) => arena.addressOf(x) >= 0);
  /** Copies ids and weights into scratch with `extra` floats after them; their addresses. */
  const stage = (ids: Int32Array, weights: Float32Array, extra: number): { idsAt: number; weightsAt: number; extraAt: number; buffer: SharedArrayBuffer } => {
    const { at, buffer } = arena.scratch((2 * ids.length + extra) * 4);
    new Int32Array(buffer, at, ids.length).set(ids);
    new Float32Array(buffer, at + ids.length * 4, ids.length).set(weights.subarray(0, ids.length));
    return { idsAt: at, weightsAt: at + ids.length * 4, extraAt: at + ids.length * 8, buffer };
  };
  return {
    mergeGrads(g, src, from, to) {
      if (!resident(g, src)) return jsMergeGrads(g, src, from, to);
      addClear(arena.addressOf(g) + from * 4, arena.addressOf(src) + from * 4, to - from);
    },
    adamUpdate(w, g, m, v, from, to, step) {
      if (!resident(w, g, m, v)) return jsAdamUpdate(w, g, m, v, from, to, step);
      const o = from * 4;
      adam(arena.addressOf(w) + o, arena.addressOf(g) + o, arena.addressOf(m) + o, arena.addressOf(v) + o, to - from, step.beta1, 1 - step.beta1, step.beta2, 1 - step.beta2, step.stepSize, step.eps);
    },
    embeddingBagForward(table, ids, weights, bag) {
      if (!resident(table.value)) return jsBagForward(table, ids, weights, bag);
      const width = table.spec.cols;
      const rows = ids.length / bag;
      const { idsAt, weightsAt, extraAt, buffer } = stage(ids, weights, rows * width);
      bagForward(arena.addressOf(table.value), idsAt, weightsAt, extraAt, rows, bag, width);
      const out = new Float32Array(rows * width);
      out.set(new Float32Array(buffer, extraAt, rows * width));
      return out;
    },
    embeddingBagBackward(table, ids, weights, bag, dy) {
      if (!resident(table.grad) || (table.touched !== null && !resident(table.touched))) return jsBagBackward(table, ids, weights, bag, dy);
      const width = table.spec.cols;
      const rows = ids.length / bag;
      const { idsAt, weightsAt, extraAt, buffer } = stage(ids, weights, rows * width);
      new Float32Array(buffer, extraAt, rows * width).set(dy.subarray(0, rows * width));
      bagBackward(arena.addressOf(table.grad), table.touched === null ? -1 : arena.addressOf(table.touched), idsAt, weightsAt, extraAt, rows, bag, width);
    },
  };
}
