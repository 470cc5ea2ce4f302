import { adamUpdate as jsAdamUpdate, mergeGrads as jsMergeGrads } from './adam-update.js';
import { embeddingBagBackward as jsBagBackward, embeddingBagForward as jsBagForward } from './embedding.js';
import type { ParamKernels } from './kernel-set.js';
import { PARAM_WAT } from './param-wat.js';
import { compileWat, instantiateOnArena, wasmArena } from './wasm-module.js';

type AddClearFn = (g: number, s: number, starts: number, count: number, width: number) => void;
type AdamFn = (w: number, g: number, m: number, v: number, starts: number, count: number, width: number, b1: number, c1: number, b2: number, c2: number, stepSize: number, eps: number) => void;
type BagForwardFn = (table: number, ids: number, weights: number, out: number, rows: number, bag: number, width: number) => void;
type BagBackwardFn = (grad: number, touched: number, ids: number, weights: number, dy: number, rows: number, bag: number, width: number) => void;

/**
 * Adam, the gradient merge and the embedding bag on WebAssembly SIMD, over parameters resident
 * in the kernel memory (allocateBuffers puts them there): no copies of tables or moments. Arrays
 * elsewhere (a run without the kernel memory) fall back to the JavaScript reference, which gives
 * the same bits. The bag's ids, weights and dy are copied in, its output copied out.
 */
export async function wasmParamKernels(): Promise<() => ParamKernels> {
  const module = await compileWat('param.wat', PARAM_WAT);
  return () => {
    const exports = instantiateOnArena(module);
    const addClear = exports.addClear as AddClearFn;
    const adam = exports.adam as AdamFn;
    const bagForward = exports.bagForward as BagForwardFn;
    const bagBackward = exports.bagBackward as BagBackwardFn;
    const arena = wasmArena();
    /** Copies a span list into scratch; its address. */
    const stageStarts = (starts: Int32Array, count: number): number => {
      const { at, buffer } = arena.scratch(count * 4);
      new Int32Array(buffer, at, count).set(starts.subarray(0, count));
      return at;
    };
    /** Copies ids and weights into scratch with `extra` floats after them; their addresses. */
    const stage = (ids: Int32Array, weights: Float32Array, extra: number): { idsAt: number; weightsAt: number; extraAt: number; buffer: SharedArrayBuffer } => {
      const { at, buffer } = arena.scratch((2 * ids.length + extra) * 4);
      new Int32Array(buffer, at, ids.length).set(ids);
      new Float32Array(buffer, at + ids.length * 4, ids.length).set(weights.subarray(0, ids.length));
      return { idsAt: at, weightsAt: at + ids.length * 4, extraAt: at + ids.length * 8, buffer };
    };
    return {
      mergeGrads(g, src, starts, count, width) {
        const gAt = arena.addressOf(g);
        const srcAt = arena.addressOf(src);
        if (gAt < 0 || srcAt < 0) return jsMergeGrads(g, src, starts, count, width);
        addClear(gAt, srcAt, stageStarts(starts, count), count, width);
      },
      adamUpdate(w, g, m, v, starts, count, width, step) {
        const [wAt, gAt, mAt, vAt] = [arena.addressOf(w), arena.addressOf(g), arena.addressOf(m), arena.addressOf(v)];
        if (wAt < 0 || gAt < 0 || mAt < 0 || vAt < 0) return jsAdamUpdate(w, g, m, v, starts, count, width, step);
        adam(wAt, gAt, mAt, vAt, stageStarts(starts, count), count, width, step.beta1, 1 - step.beta1, step.beta2, 1 - step.beta2, step.stepSize, step.eps);
      },
      embeddingBagForward(table, ids, weights, bag) {
        if (arena.addressOf(table.value) < 0) return jsBagForward(table, ids, weights, bag);
        const width = table.spec.cols;
        const rows = ids.length / bag;
        // Into the step frame when one is open, else through scratch.
        const framed = arena.frame(rows * width);
        const { idsAt, weightsAt, extraAt, buffer } = stage(ids, weights, framed === null ? rows * width : 0);
        bagForward(arena.addressOf(table.value), idsAt, weightsAt, framed === null ? extraAt : arena.addressOf(framed), rows, bag, width);
        if (framed !== null) return framed;
        const out = new Float32Array(rows * width);
        out.set(new Float32Array(buffer, extraAt, rows * width));
        return out;
      },
      embeddingBagBackward(table, ids, weights, bag, dy) {
        if (arena.addressOf(table.grad) < 0 || (table.touched !== null && arena.addressOf(table.touched) < 0)) return jsBagBackward(table, ids, weights, bag, dy);
        const width = table.spec.cols;
        const rows = ids.length / bag;
        const { idsAt, weightsAt, extraAt, buffer } = stage(ids, weights, rows * width);
        new Float32Array(buffer, extraAt, rows * width).set(dy.subarray(0, rows * width));
        bagBackward(arena.addressOf(table.grad), table.touched === null ? -1 : arena.addressOf(table.touched), idsAt, weightsAt, extraAt, rows, bag, width);
      },
    };
  };
}
