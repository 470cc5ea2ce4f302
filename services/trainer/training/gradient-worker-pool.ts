import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../../shared/workers/index.js';
import type { Model, ModelShape } from '../model/index.js';
import { allocateBuffers, moveGrads } from '../nn/index.js';
import type { ParamBuffers, ParamLayout } from '../nn/index.js';
import type { StepLoss } from './training-objective.js';
import type { TrainConfig } from './train-config.js';
import type { ParallelGradients } from './train-model.js';

/**
 * How a worker builds the same TrainingData as the main thread: it imports `module` and
 * awaits `module[exportName](args)`. `args` must be structured-cloneable.
 */
export interface DataFactory {
  readonly module: string;
  readonly exportName: string;
  readonly args: unknown;
}

/** The message that starts a worker. */
export interface WorkerInit {
  readonly factory: DataFactory;
  readonly config: TrainConfig;
  readonly shape: ModelShape;
  readonly layout: ParamLayout;
  readonly values: Float32Array;
  readonly grads: Float32Array;
  readonly touched: Uint8Array;
}

/** A step request: one slice of a batch. */
export interface WorkerStep {
  readonly examples: Int32Array;
  readonly batchSize: number;
  readonly step: number;
  readonly slice: number;
}

/** A worker's answer to a step (or its failure). */
export type WorkerReply = { ok: true; loss: StepLoss; macs: number } | { ok: false; error: string };

interface Handle {
  worker: Worker;
  buffers: ParamBuffers;
  pending: ((reply: WorkerReply) => void) | null;
}

/**
 * Data-parallel gradient workers over SharedArrayBuffer weights: each worker owns a
 * gradient buffer, computes its slice of every batch, and the main thread sums the
 * buffers before Adam: synchronous, so a seed reproduces a run exactly (unlike Hogwild).
 */
export class GradientWorkerPool implements ParallelGradients {
  readonly threads: number;

  private constructor(
    private readonly handles: Handle[],
    private readonly layout: ParamLayout,
  ) {
    this.threads = handles.length + 1;
  }

  /** Starts `threads - 1` workers sharing `model`'s weights (which must be shared buffers). */
  static async start(model: Model, threads: number, factory: DataFactory, config: TrainConfig): Promise<GradientWorkerPool> {
    if (!(model.buffers.values.buffer instanceof SharedArrayBuffer)) throw new Error('data-parallel training needs shared weights');
    const handles: Handle[] = [];
    const ready: Promise<void>[] = [];
    for (let t = 1; t < threads; t++) {
      const own = allocateBuffers(model.layout, true);
      const buffers: ParamBuffers = { values: model.buffers.values, grads: own.grads, touched: own.touched };
      const worker = spawnWorker(import.meta.url, 'gradient-worker');
      const handle: Handle = { worker, buffers, pending: null };
      ready.push(
        new Promise<void>((resolve, reject) => {
          handle.pending = (reply): void => (reply.ok ? resolve() : reject(new Error(`gradient worker: ${reply.error}`)));
          worker.once('error', reject);
        }),
      );
      worker.on('message', (reply: WorkerReply) => {
        const pending = handle.pending;
        handle.pending = null;
        pending?.(reply);
      });
      const init: WorkerInit = { factory, config, shape: model.shape, layout: model.layout, ...buffers };
      worker.postMessage(init);
      handles.push(handle);
    }
    const pool = new GradientWorkerPool(handles, model.layout);
    try {
      await Promise.all(ready);
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  run(slices: Int32Array[], batchSize: number, step: number): Promise<{ loss: StepLoss; macs: number }[]> {
    return Promise.all(
      this.handles.map(
        (h, i) =>
          new Promise<{ loss: StepLoss; macs: number }>((resolve, reject) => {
            h.pending = (reply): void => (reply.ok ? resolve({ loss: reply.loss, macs: reply.macs }) : reject(new Error(`gradient worker: ${reply.error}`)));
            const msg: WorkerStep = { examples: slices[i + 1], batchSize, step, slice: i + 1 };
            h.worker.postMessage(msg);
          }),
      ),
    );
  }

  mergeInto(model: Model): void {
    // Moving (add, then zero) leaves each worker's buffer ready for its next slice.
    for (const h of this.handles) moveGrads(this.layout, model.buffers, h.buffers);
  }

  /** Stops the workers; safe to call twice. */
  async close(): Promise<void> {
    const handles = this.handles.splice(0);
    await Promise.all(handles.map((h) => h.worker.terminate()));
  }
}
