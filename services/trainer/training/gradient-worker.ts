import { parentPort } from 'node:worker_threads';
import { bindModel } from '../model/index.js';
import { Adam, ADAM_DEFAULTS, adoptBuffers } from '../nn/index.js';
import type { ParamBuffers } from '../nn/index.js';
import { SeededRandom } from '../../../shared/random/index.js';
import { GradientStep } from './gradient-step.js';
import type { WorkerInit, WorkerReply, WorkerStep, WorkerUpdate } from './gradient-worker-pool.js';
import { sliceSeed } from './slice-seed.js';
import type { TrainingData } from './training-data.js';

// A gradient worker: builds the training data like the main thread, then answers step
// requests by computing its slice's gradients into its own shared gradient buffer.
const port = parentPort;
if (port === null) throw new Error('gradient-worker must run in a worker thread');

let step: GradientStep | null = null;
let seed = 0;
// This thread's shard of the update: Adam (its moments) over the main thread's buffers plus the others'.
let shard: { adam: Adam; target: ParamBuffers; sources: ParamBuffers[]; index: number; count: number } | null = null;

port.on('message', (msg: WorkerInit | WorkerStep | WorkerUpdate) => {
  if ('factory' in msg) {
    init(msg).then(
      () => port.postMessage({ ok: true, loss: { main: 0, aux: 0 }, macs: 0 } satisfies WorkerReply),
      (err: unknown) => port.postMessage({ ok: false, error: String(err) } satisfies WorkerReply),
    );
    return;
  }
  if ('lr' in msg) {
    try {
      if (shard === null) throw new Error('update before init');
      shard.adam.apply(shard.target, msg.lr, shard.sources, shard.index, shard.count);
      port.postMessage({ ok: true, loss: { main: 0, aux: 0 }, macs: 0 } satisfies WorkerReply);
    } catch (err) {
      port.postMessage({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies WorkerReply);
    }
    return;
  }
  try {
    // The gradient buffer starts zeroed: the pool moves its contents out after every step.
    if (step === null) throw new Error('step before init');
    const loss = step.run(msg.examples, msg.batchSize, new SeededRandom(sliceSeed(seed, msg.step, msg.slice)));
    port.postMessage({ ok: true, loss, macs: step.lastMacs } satisfies WorkerReply);
  } catch (err) {
    port.postMessage({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies WorkerReply);
  }
});

async function init(msg: WorkerInit): Promise<void> {
  const mod = (await import(msg.factory.module)) as Record<string, unknown>;
  const factory = mod[msg.factory.exportName];
  if (typeof factory !== 'function') throw new Error(`${msg.factory.module} has no function ${msg.factory.exportName}`);
  const data = (await (factory as (args: unknown) => Promise<TrainingData> | TrainingData)(msg.factory.args)) as TrainingData;
  // Views of the kernel memory this thread shares, so its kernels use them in place.
  const values = adoptBuffers({ values: msg.values, grads: msg.grads, touched: msg.touched }).values;
  const views = msg.all.map((b) => adoptBuffers({ values, grads: b.grads, touched: b.touched }));
  const model = bindModel(msg.shape, msg.layout, views[msg.thread]);
  step = new GradientStep(model, data, msg.config);
  seed = msg.config.seed;
  shard = { adam: new Adam(msg.layout, { lr: msg.config.lr, ...ADAM_DEFAULTS }), target: views[0], sources: views.slice(1), index: msg.thread, count: views.length };
}
