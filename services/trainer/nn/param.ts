import { wasmArena, wasmSimdAvailable } from './wasm-module.js';

/**
 * Parameters live in one flat float32 buffer (a SharedArrayBuffer when training runs on
 * several threads), gradients in a buffer of the same layout. Embedding tables are
 * "sparse": their gradient rows carry a touched flag so that zeroing, summing and Adam
 * visit only the rows a batch used.
 */

/** Where one parameter tensor lives in the flat buffers. */
export interface ParamSpec {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  /** true for embedding tables (lazy row updates). */
  readonly sparse: boolean;
  /** Float offset in the value/gradient buffers. */
  readonly offset: number;
  /** Row offset in the touched-flags buffer (sparse params only, else -1). */
  readonly rowOffset: number;
}

/** The layout of all parameters of a model: dense ones first, then the tables. */
export interface ParamLayout {
  readonly params: readonly ParamSpec[];
  /** Floats of all dense params (they form the prefix [0, denseSize)). */
  readonly denseSize: number;
  readonly totalSize: number;
  readonly sparseRows: number;
}

/** A parameter bound to concrete buffers. */
export interface Param {
  readonly spec: ParamSpec;
  readonly value: Float32Array;
  readonly grad: Float32Array;
  /** Per-row touched flags (sparse params only). */
  readonly touched: Uint8Array | null;
}

/** Declares parameters in order; `layout()` puts dense ones before sparse ones. */
export class LayoutBuilder {
  private readonly decls: { name: string; rows: number; cols: number; sparse: boolean }[] = [];

  add(name: string, rows: number, cols: number, sparse = false): void {
    if (this.decls.some((d) => d.name === name)) throw new Error(`duplicate parameter ${name}`);
    this.decls.push({ name, rows, cols, sparse });
  }

  layout(): ParamLayout {
    const params: ParamSpec[] = [];
    let offset = 0;
    for (const d of this.decls.filter((x) => !x.sparse)) {
      params.push({ ...d, offset, rowOffset: -1 });
      offset += d.rows * d.cols;
    }
    const denseSize = offset;
    let rowOffset = 0;
    for (const d of this.decls.filter((x) => x.sparse)) {
      params.push({ ...d, offset, rowOffset });
      offset += d.rows * d.cols;
      rowOffset += d.rows;
    }
    return { params, denseSize, totalSize: offset, sparseRows: rowOffset };
  }
}

/** Value, gradient and touched-flag storage for one layout (one per thread for gradients). */
export interface ParamBuffers {
  readonly values: Float32Array;
  readonly grads: Float32Array;
  readonly touched: Uint8Array;
}

/**
 * Allocates buffers: in this thread's kernel memory where the engine has WebAssembly SIMD (shared
 * with the threads that train the model, and used in place by the kernels), else in
 * SharedArrayBuffers when `shared`.
 */
export function allocateBuffers(layout: ParamLayout, shared: boolean): ParamBuffers {
  // Whole 32-bit words of touched flags, so that Adam can skip four untouched rows with one read.
  const touchedBytes = Math.max(4, Math.ceil(layout.sparseRows / 4) * 4);
  if (wasmSimdAvailable()) {
    const { at, buffer } = wasmArena().resident(touchedBytes);
    return { values: residentFloats(layout.totalSize), grads: residentFloats(layout.totalSize), touched: new Uint8Array(buffer, at, layout.sparseRows) };
  }
  const make = (bytes: number): ArrayBuffer | SharedArrayBuffer =>
    shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  return {
    values: new Float32Array(make(layout.totalSize * 4)),
    grads: new Float32Array(make(layout.totalSize * 4)),
    touched: new Uint8Array(make(touchedBytes), 0, layout.sparseRows),
  };
}

/** The buffers as views of this thread's kernel memory where they lie in it (posted from another thread). */
export function adoptBuffers(buffers: ParamBuffers): ParamBuffers {
  if (!wasmSimdAvailable()) return buffers;
  const arena = wasmArena();
  return { values: arena.adopt(buffers.values), grads: arena.adopt(buffers.grads), touched: arena.adopt(buffers.touched) };
}

/** `n` zeroed floats in the kernel memory. */
export function residentFloats(n: number): Float32Array {
  const { at, buffer } = wasmArena().resident(n * 4);
  return new Float32Array(buffer, at, n);
}

/** Binds every parameter of a layout to views of the buffers, by name. */
export function bindParams(layout: ParamLayout, buffers: ParamBuffers): Map<string, Param> {
  const out = new Map<string, Param>();
  for (const spec of layout.params) {
    const n = spec.rows * spec.cols;
    out.set(spec.name, {
      spec,
      value: buffers.values.subarray(spec.offset, spec.offset + n),
      grad: buffers.grads.subarray(spec.offset, spec.offset + n),
      touched: spec.sparse ? buffers.touched.subarray(spec.rowOffset, spec.rowOffset + spec.rows) : null,
    });
  }
  return out;
}

/** Zeroes a gradient buffer: the dense prefix entirely, table rows only where touched. */
export function zeroGrads(layout: ParamLayout, buffers: ParamBuffers): void {
  buffers.grads.fill(0, 0, layout.denseSize);
  for (const spec of layout.params) {
    if (!spec.sparse) continue;
    for (let r = 0; r < spec.rows; r++) {
      if (buffers.touched[spec.rowOffset + r] === 0) continue;
      const o = spec.offset + r * spec.cols;
      buffers.grads.fill(0, o, o + spec.cols);
      buffers.touched[spec.rowOffset + r] = 0;
    }
  }
}

/** Glorot-uniform init for weight matrices; biases start at zero, tables at N(0, 0.05²)-ish. */
export function initUniform(p: Param, fanIn: number, fanOut: number, next: () => number): void {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  for (let i = 0; i < p.value.length; i++) p.value[i] = (next() * 2 - 1) * limit;
}
