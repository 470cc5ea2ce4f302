/** A tensor as it crosses the worker boundary: its buffer is transferred, never copied through JSON. */
export type WireTensor =
  | { type: 'float32'; dims: number[]; data: Float32Array }
  | { type: 'int32'; dims: number[]; data: Int32Array };

/** Tensors by their contract name (docs/model-contract.md). */
export type WireTensorMap = Record<string, WireTensor>;

/** The graph optimisation levels onnxruntime knows. */
export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

/** How each worker builds its sessions. */
export interface SessionSettings {
  /** Execution providers in order of preference, e.g. ['cuda', 'cpu']; the first that loads wins. */
  providers: string[];
  /** Threads of one operator; 0 = onnxruntime's default. */
  intraOpNumThreads: number;
  /** Threads across operators; 0 = onnxruntime's default. */
  interOpNumThreads: number;
  graphOptimizationLevel: GraphOptimizationLevel;
}

/** What a worker is started with. */
export interface WorkerSetup {
  /** The ONNX model per network name: a file path, or the model's bytes (copied to each worker). */
  models: Record<string, string | Uint8Array>;
  session: SessionSettings;
  /** Batch sizes to run once per network before the worker reports ready. */
  warmupBatchRows: number[];
}

/** A provider that could not be used, and why. */
export interface ProviderFailure {
  provider: string;
  message: string;
}

/** The session a worker built for one network. */
export interface SessionReport {
  /** The provider the session runs on. */
  provider: string;
  /** Providers tried before it, with their errors. */
  failures: ProviderFailure[];
  inputNames: string[];
  outputNames: string[];
}

/** Main thread -> worker. */
export type WorkerRequest = { kind: 'run'; id: number; network: string; feeds: WireTensorMap };

/** Worker -> main thread. */
export type WorkerResponse =
  | { kind: 'ready'; sessions: Record<string, SessionReport>; warmupMs: number }
  | { kind: 'failed'; message: string }
  | { kind: 'result'; id: number; outputs: WireTensorMap; runUs: number }
  | { kind: 'error'; id: number; message: string };

/** The buffers of `tensors`, to pass as postMessage's transfer list. */
export function transferList(tensors: WireTensorMap): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const tensor of Object.values(tensors)) {
    if (tensor.data.buffer instanceof ArrayBuffer) buffers.add(tensor.data.buffer);
  }
  return [...buffers];
}
