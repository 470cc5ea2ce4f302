import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../../shared/workers/index.js';
import type { Model, ModelShape } from '../model/index.js';
import { allocateBuffers, kernelMemoryWorkerData } from '../nn/index.js';
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
  /** This worker's thread index (the main thread is 0) and every thread's gradients, by index. */
  readonly thread: number;
  readonly all: readonly { grads: Float32Array; touched: Uint8Array }[];
}

/** A step request: one slice of a batch. */
export interface WorkerStep {
  readonly examples: Int32Array;
  readonly batchSize: number;
  readonly step: number;
  readonly slice: number;
}

/** An update request: merge the gradients and apply Adam on this worker's shard. */
export interface WorkerUpdate {
  readonly lr: number;
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
 * gradient buffer and computes its slice of every batch; then every thread merges the
 * buffers and applies Adam on its own shard of the parameters. Synchronous, so a seed
 * reproduces a run exactly (unlike Hogwild).
 */
export class GradientWorkerPool implements ParallelGradients {
  readonly threads: number;

  readonly gradientBuffers: readonly ParamBuffers[];

  private constructor(private readonly handles: Handle[]) {
    this.threads = handles.length + 1;
    this.gradientBuffers = handles.map((h) => h.buffers);
  }

  /** Starts `threads - 1` workers sharing `model`'s weights (which must be shared buffers). */
  static async start(model: Model, threads: number, factory: DataFactory, config: TrainConfig): Promise<GradientWorkerPool> {
    if (!(model.buffers.values.buffer instanceof SharedArrayBuffer)) throw new Error('data-parallel training needs shared weights');
    if (!(model.buffers.grads.buffer instanceof SharedArrayBuffer)) throw new Error('data-parallel training needs shared gradients');
    const handles: Handle[] = [];
    const ready: Promise<void>[] = [];
    const owns = Array.from({ length: threads - 1 }, () => allocateBuffers(model.layout, true));
    const all = [model.buffers, ...owns].map((b) => ({ grads: b.grads, touched: b.touched }));
    for (let t = 1; t < threads; t++) {
      const own = owns[t - 1];
      const buffers: ParamBuffers = { values: model.buffers.values, grads: own.grads, touched: own.touched };
      const worker = spawnWorker(import.meta.url, 'gradient-worker', { workerData: kernelMemoryWorkerData() });
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
      const init: WorkerInit = { factory, config, shape: model.shape, layout: model.layout, ...buffers, thread: t, all };
      worker.postMessage(init);
      handles.push(handle);
    }
    const pool = new GradientWorkerPool(handles);
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

  update(lr: number): Promise<void> {
    return Promise.all(
      this.handles.map(
        (h) =>
          new Promise<void>((resolve, reject) => {
            h.pending = (reply): void => (reply.ok ? resolve() : reject(new Error(`gradient worker: ${reply.error}`)));
            h.worker.postMessage({ lr } satisfies WorkerUpdate);
          }),
      ),
    ).then(() => undefined);
  }

  /** Stops the workers; safe to call twice. */
  async close(): Promise<void> {
    const handles = this.handles.splice(0);
    await Promise.all(handles.map((h) => h.worker.terminate()));
  }
}
