import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Model, ModelShape } from '../model/index.js';
import { addGrads, allocateBuffers } from '../nn/index.js';
import type { ParamBuffers, ParamLayout } from '../nn/index.js';
import type { StepLoss } from './gradient-step.js';
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
    const ts = import.meta.url.endsWith('.ts');
    const url = new URL(ts ? './gradient-worker.ts' : './gradient-worker.js', import.meta.url);
    const handles: Handle[] = [];
    const ready: Promise<void>[] = [];
    for (let t = 1; t < threads; t++) {
      const own = allocateBuffers(model.layout, true);
      const buffers: ParamBuffers = { values: model.buffers.values, grads: own.grads, touched: own.touched };
      const worker = ts ? tsWorker(url) : new Worker(url);
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
    for (const h of this.handles) addGrads(this.layout, model.buffers, h.buffers);
  }

  /** Stops the workers; safe to call twice. */
  async close(): Promise<void> {
    const handles = this.handles.splice(0);
    await Promise.all(handles.map((h) => h.worker.terminate()));
  }
}

/**
 * A worker running a .ts entry under tsx. `execArgv: ['--import', 'tsx']` does not register
 * tsx's hooks before a worker's .ts entry is loaded on Node 20.20 (ERR_UNKNOWN_FILE_EXTENSION),
 * so a two-line bootstrap registers them and then imports the entry.
 */
function tsWorker(entry: URL): Worker {
  // createRequire, not import.meta.resolve: specs may run this module through tsx's CJS path,
  // and require's resolution of 'tsx/esm/api' picks the CJS build, so locate the ESM one.
  const root = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(root, 'dist/esm/api/index.mjs')).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { eval: true });
}
