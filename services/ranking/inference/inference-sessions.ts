// Building, warming and checking onnxruntime sessions, alike in an inference worker thread and
// on the event loop (inline inference).
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { firstNonFiniteWord } from '../wire/float32-bytes.js';
import type { ProviderFailure, SessionReport, SessionSettings, TensorType } from './inference-messages.js';

/** onnxruntime's own log level while a provider may still fall back: the failure is reported to the caller instead. */
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

/** One session per network, built in the models' key order, each run once per warm-up batch size. */
export interface LoadedSessions {
  sessions: Map<string, ort.InferenceSession>;
  reports: Record<string, SessionReport>;
  warmupMs: number;
}

/** Builds the sessions of `models` and warms them with zero batches of each of `warmupBatchRows` rows. */
export async function loadSessions(models: Record<string, string | Uint8Array>, settings: SessionSettings, warmupBatchRows: readonly number[]): Promise<LoadedSessions> {
  const sessions = new Map<string, ort.InferenceSession>();
  const reports: Record<string, SessionReport> = {};
  try {
    for (const [network, model] of Object.entries(models)) {
      const { session, report } = await createSession(model, settings);
      sessions.set(network, session);
      reports[network] = report;
    }
    const warmupStartMs = performance.now();
    for (const rows of warmupBatchRows) {
      for (const session of sessions.values()) await session.run(zeroFeeds(session, rows));
    }
    return { sessions, reports, warmupMs: performance.now() - warmupStartMs };
  } catch (error) {
    await Promise.all([...sessions.values()].map((session) => session.release()));
    throw error;
  }
}

/** A run's output `name`, checked against the type and size the caller laid out for it. */
export function checkedOutput(results: ort.InferenceSession.OnnxValueMapType, name: string, type: TensorType, expected: number): Float32Array | Int32Array {
  const result = results[name];
  if (result === undefined || result.type !== type || result.size !== expected) {
    throw new Error(`output ${name} is ${result === undefined ? 'missing' : `${result.type} of ${result.size} values`}; ${type} of ${expected} values expected`);
  }
  return result.data as Float32Array | Int32Array;
}

/** Whether a float32 input holds a NaN or an infinity. */
export function holdsNonFinite(view: Float32Array): boolean {
  return firstNonFiniteWord(new Uint32Array(view.buffer, view.byteOffset, view.length), view.length) >= 0;
}
