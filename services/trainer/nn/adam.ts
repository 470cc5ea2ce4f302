import type { ParamBuffers, ParamLayout } from './param.js';

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

  constructor(
    private readonly layout: ParamLayout,
    private readonly options: AdamOptions,
  ) {
    this.m = new Float32Array(layout.totalSize);
    this.v = new Float32Array(layout.totalSize);
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
    const update = (from: number, to: number): void => {
      // The merge as a loop of its own per source: a loop over the sources inside the element
      // loop costs more than the extra pass (the float32 store rounds as Math.fround did).
      for (const src of sources) {
        const sg = src.grads;
        for (let i = from; i < to; i++) {
          g[i] += sg[i];
          sg[i] = 0;
        }
      }
      for (let i = from; i < to; i++) {
        const gi = g[i];
        g[i] = 0;
        const mi = beta1 * m[i] + (1 - beta1) * gi;
        const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] -= (stepSize * mi) / (Math.sqrt(vi) + eps);
      }
    };
    const dense = this.layout.denseSize;
    update(Math.floor((dense * shard) / shards), Math.floor((dense * (shard + 1)) / shards));
    const targetWords = touchedWords(target.touched);
    const sourceWords = sources.map((src) => touchedWords(src.touched));
    for (const spec of this.layout.params) {
      if (!spec.sparse) continue;
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
        const o = spec.offset + (row - spec.rowOffset) * spec.cols;
        update(o, o + spec.cols);
      }
    }
  }
}

/** The touched flags as 32-bit words (allocateBuffers rounds them up to whole words). */
function touchedWords(touched: Uint8Array): Int32Array {
  return new Int32Array(touched.buffer, touched.byteOffset, Math.ceil(touched.length / 4));
}
