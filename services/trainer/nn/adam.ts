import { adamUpdate, mergeGrads } from './kernels.js';
import { residentFloats } from './param.js';
import type { ParamBuffers, ParamLayout } from './param.js';
import { wasmSimdAvailable } from './wasm-module.js';

/** Adam hyperparameters. */
export interface AdamOptions {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

/** The usual Adam defaults (Kingma & Ba); lr is set per training run. */
export const ADAM_DEFAULTS: Omit<AdamOptions, 'lr'> = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

/**
 * Adam over a parameter layout. Dense parameters are updated every step; embedding
 * tables lazily — only the rows touched by the batch, with their moments left as they
 * were for the others (LazyAdam), so a step costs the batch's rows, not the catalog.
 */
export class Adam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private step = 0;
  /** Starts of the spans to update, reused across calls: at most one per table row. */
  private readonly starts: Int32Array;

  constructor(
    private readonly layout: ParamLayout,
    private readonly options: AdamOptions,
  ) {
    // In the kernel memory beside the parameters, for the kernels to update in place.
    const moments = (): Float32Array => (wasmSimdAvailable() ? residentFloats(layout.totalSize) : new Float32Array(layout.totalSize));
    this.m = moments();
    this.v = moments();
    this.starts = new Int32Array(Math.max(1, ...layout.params.map((p) => (p.sparse ? p.rows : 0))));
  }

  /**
   * Applies one update from the gradients of `target` plus `sources` (the other threads'
   * buffers, added in order with float32 rounding after each add, as a serial merge would) to
   * `target.values`, then clears those gradients. With `shards` > 1 it does only shard `shard`
   * — dense indices in its contiguous range, table rows with index ≡ shard (mod shards) — so each
   * thread of a data-parallel run updates its own part; the moments stay with that thread.
   */
  apply(target: ParamBuffers, lr = this.options.lr, sources: readonly ParamBuffers[] = [], shard = 0, shards = 1): void {
    this.step++;
    const { beta1, beta2, eps } = this.options;
    const c1 = 1 - beta1 ** this.step;
    const c2 = 1 - beta2 ** this.step;
    const stepSize = (lr * Math.sqrt(c2)) / c1;
    const w = target.values;
    const g = target.grads;
    const m = this.m;
    const v = this.v;
    const step = { beta1, beta2, eps, stepSize };
    // The merge as a pass of its own per source: a loop over the sources inside the element
    // loop costs more than the extra pass.
    const update = (starts: Int32Array, count: number, width: number): void => {
      for (const src of sources) mergeGrads(g, src.grads, starts, count, width);
      adamUpdate(w, g, m, v, starts, count, width, step);
    };
    const dense = this.layout.denseSize;
    const from = Math.floor((dense * shard) / shards);
    this.starts[0] = from;
    update(this.starts, 1, Math.floor((dense * (shard + 1)) / shards) - from);
    const targetWords = touchedWords(target.touched);
    const sourceWords = sources.map((src) => touchedWords(src.touched));
    for (const spec of this.layout.params) {
      if (!spec.sparse) continue;
      // The table's rows to update, as the starts of spans one row wide, for one kernel call.
      let count = 0;
      const end = spec.rowOffset + spec.rows;
      for (let row = spec.rowOffset; row < end; row++) {
        // Most rows are untouched in a step: four at a time where no buffer touched any.
        if ((row & 3) === 0 && row + 4 <= end) {
          let any = targetWords[row >> 2];
          for (const words of sourceWords) any |= words[row >> 2];
          if (any === 0) {
            row += 3;
            continue;
          }
        }
        if (row % shards !== shard) continue;
        let touched = target.touched[row];
        for (const src of sources) {
          touched |= src.touched[row];
          src.touched[row] = 0;
        }
        if (touched === 0) continue;
        target.touched[row] = 0;
        this.starts[count++] = spec.offset + (row - spec.rowOffset) * spec.cols;
      }
      if (count > 0) update(this.starts, count, spec.cols);
    }
  }
}

/** The touched flags as 32-bit words (allocateBuffers rounds them up to whole words). */
function touchedWords(touched: Uint8Array): Int32Array {
  return new Int32Array(touched.buffer, touched.byteOffset, Math.ceil(touched.length / 4));
}
