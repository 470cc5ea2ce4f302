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

  /** Applies one update from `buffers.grads` to `buffers.values`. */
  apply(buffers: ParamBuffers, lr = this.options.lr): void {
    this.step++;
    const { beta1, beta2, eps } = this.options;
    const c1 = 1 - beta1 ** this.step;
    const c2 = 1 - beta2 ** this.step;
    const stepSize = (lr * Math.sqrt(c2)) / c1;
    const w = buffers.values;
    const g = buffers.grads;
    const m = this.m;
    const v = this.v;
    const update = (from: number, to: number): void => {
      for (let i = from; i < to; i++) {
        const gi = g[i];
        const mi = beta1 * m[i] + (1 - beta1) * gi;
        const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] -= (stepSize * mi) / (Math.sqrt(vi) + eps);
      }
    };
    update(0, this.layout.denseSize);
    for (const spec of this.layout.params) {
      if (!spec.sparse) continue;
      for (let r = 0; r < spec.rows; r++) {
        if (buffers.touched[spec.rowOffset + r] === 0) continue;
        const o = spec.offset + r * spec.cols;
        update(o, o + spec.cols);
      }
    }
  }
}
