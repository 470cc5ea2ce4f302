// The body of one inference worker thread: it owns one onnxruntime session per network, so that
// the synchronous part of run() never blocks the gRPC event loop.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { elementCount, readRunHeader, tensorView, writeRunAnswer } from './inference-messages.js';
import type { ReadRun, RunError, WorkerRequest, WorkerResponse, WorkerSetup } from './inference-messages.js';
import { checkedOutput, holdsNonFinite, loadSessions } from './inference-sessions.js';

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('inference-worker must run in a worker thread');
  const post = (message: WorkerResponse): void => port.postMessage(message);
  const setup = workerData as WorkerSetup;
  let sessions: Map<string, ort.InferenceSession>;
  try {
    const loaded = await loadSessions(setup.models, setup.session, setup.warmupBatchRows);
    sessions = loaded.sessions;
    post({ kind: 'ready', sessions: loaded.reports, warmupMs: loaded.warmupMs });
  } catch (error) {
    post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
    return;
  }
  const networks = Object.keys(setup.models);
  port.on('message', (slab: WorkerRequest) => {
    void runAll(slab).then((errors) => port.postMessage(errors.length === 0 ? slab : ({ kind: 'errors', errors, slab } satisfies WorkerResponse), [slab]));
  });

  /** Runs the message's runs one after another; returns the errors of those that failed. */
  async function runAll(slab: ArrayBuffer): Promise<RunError[]> {
    const errors: RunError[] = [];
    for (const run of readRunHeader(slab)) {
      try {
        await runOne(slab, run);
      } catch (error) {
        errors.push({ id: run.id, message: error instanceof Error ? error.message : String(error) });
      }
    }
    return errors;
  }

  async function runOne(slab: ArrayBuffer, run: ReadRun): Promise<void> {
    const session = sessions.get(networks[run.network]);
    if (session === undefined) throw new Error(`no session for network #${run.network}`);
    const feeds: Record<string, ort.Tensor> = {};
    let nonFinite = false;
    for (const tensor of run.inputs) {
      const view = tensorView(slab, tensor);
      if (tensor.checkFinite && view instanceof Float32Array && holdsNonFinite(view)) nonFinite = true;
      feeds[session.inputNames[tensor.name]] = new ort.Tensor(tensor.type, view, tensor.dims);
    }
    const startMs = performance.now();
    const results = await session.run(feeds);
    writeRunAnswer(slab, run, (performance.now() - startMs) * 1000, nonFinite);
    for (const tensor of run.outputs) {
      const name = session.outputNames[tensor.name];
      tensorView(slab, tensor).set(checkedOutput(results, name, tensor.type, elementCount(tensor.dims)));
    }
  }
}

await main();
