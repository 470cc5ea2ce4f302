// The body of one inference worker thread: it owns one onnxruntime session per network, so that
// the synchronous part of run() never blocks the gRPC event loop.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { firstNonFiniteWord } from '../wire/float32-bytes.js';
import { elementCount, readRunHeader, tensorView, writeRunAnswer } from './inference-messages.js';
import type { ProviderFailure, ReadRun, RunError, SessionReport, SessionSettings, WorkerRequest, WorkerResponse, WorkerSetup } from './inference-messages.js';

/** onnxruntime's own log level while a provider may still fall back: the failure is reported to the main thread instead. */
const QUIET_LOG_SEVERITY = 4;
/** onnxruntime's log level otherwise: errors only. */
const ERROR_LOG_SEVERITY = 3;

/** Creates a session on the first provider that loads. */
async function createSession(model: string | Uint8Array, settings: SessionSettings): Promise<{ session: ort.InferenceSession; report: SessionReport }> {
  const failures: ProviderFailure[] = [];
  for (const [k, provider] of settings.providers.entries()) {
    const last = k === settings.providers.length - 1;
    try {
      const options: ort.InferenceSession.SessionOptions = {
        executionProviders: [provider],
        graphOptimizationLevel: settings.graphOptimizationLevel,
        logSeverityLevel: last ? ERROR_LOG_SEVERITY : QUIET_LOG_SEVERITY,
        ...(settings.intraOpNumThreads > 0 ? { intraOpNumThreads: settings.intraOpNumThreads } : {}),
        ...(settings.interOpNumThreads > 0 ? { interOpNumThreads: settings.interOpNumThreads } : {}),
      };
      const session = typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
      return { session, report: { provider, failures, inputNames: [...session.inputNames], outputNames: [...session.outputNames] } };
    } catch (error) {
      failures.push({ provider, message: error instanceof Error ? error.message : String(error) });
    }
  }
  const what = typeof model === 'string' ? model : `a ${model.byteLength}-byte model`;
  throw new Error(`no execution provider could load ${what}: ${failures.map((f) => `${f.provider}: ${f.message}`).join('; ')}`);
}

/** Zero-filled inputs of `rows` rows, shaped from the session's input metadata (symbolic dims = rows). */
function zeroFeeds(session: ort.InferenceSession, rows: number): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const meta of session.inputMetadata) {
    if (!meta.isTensor) throw new Error(`input ${meta.name} is not a tensor`);
    const dims = meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : rows));
    const size = dims.reduce((a, b) => a * b, 1);
    if (meta.type === 'int32') feeds[meta.name] = new ort.Tensor('int32', new Int32Array(size), dims);
    else if (meta.type === 'float32') feeds[meta.name] = new ort.Tensor('float32', new Float32Array(size), dims);
    else throw new Error(`input ${meta.name} has type ${meta.type}; the model contract allows int32 and float32`);
  }
  return feeds;
}

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('inference-worker must run in a worker thread');
  const post = (message: WorkerResponse): void => port.postMessage(message);
  const setup = workerData as WorkerSetup;
  const sessions = new Map<string, ort.InferenceSession>();
  try {
    const reports: Record<string, SessionReport> = {};
    for (const [network, model] of Object.entries(setup.models)) {
      const { session, report } = await createSession(model, setup.session);
      sessions.set(network, session);
      reports[network] = report;
    }
    const warmupStartMs = performance.now();
    for (const rows of setup.warmupBatchRows) {
      for (const session of sessions.values()) await session.run(zeroFeeds(session, rows));
    }
    post({ kind: 'ready', sessions: reports, warmupMs: performance.now() - warmupStartMs });
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
      if (tensor.checkFinite && tensor.type === 'float32' && firstNonFiniteWord(new Uint32Array(view.buffer, view.byteOffset, view.length), view.length) >= 0) nonFinite = true;
      feeds[session.inputNames[tensor.name]] = new ort.Tensor(tensor.type, view, tensor.dims);
    }
    const startMs = performance.now();
    const results = await session.run(feeds);
    writeRunAnswer(slab, run, (performance.now() - startMs) * 1000, nonFinite);
    for (const tensor of run.outputs) {
      const name = session.outputNames[tensor.name];
      const result = results[name];
      const expected = elementCount(tensor.dims);
      if (result === undefined || result.type !== tensor.type || result.size !== expected) {
        throw new Error(`output ${name} is ${result === undefined ? 'missing' : `${result.type} of ${result.size} values`}; ${tensor.type} of ${expected} values expected`);
      }
      tensorView(slab, tensor).set(result.data as Float32Array | Int32Array);
    }
  }
}

await main();
