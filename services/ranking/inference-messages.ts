/** A tensor owned by the main thread: an output copied out of a worker's slab, or an encoded input. */
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

/** The element types of the model contract's tensors. */
export type TensorType = WireTensor['type'];

/** A tensor's type and shape. */
export interface TensorShape {
  type: TensorType;
  dims: number[];
}

/** A tensor's place in a worker's slab: its shape and where its bytes start. */
export interface SlabTensor extends TensorShape {
  name: string;
  byteOffset: number;
}

/**
 * Main thread -> worker. The slab is one ArrayBuffer per worker that goes back and forth,
 * transferred (never copied): the main thread packs a batch's inputs into it, the worker runs
 * on views of it, writes the outputs into it at the places named and sends it back.
 */
export type WorkerRequest = { kind: 'run'; id: number; network: string; slab: ArrayBuffer; inputs: SlabTensor[]; outputs: SlabTensor[] };

/** Worker -> main thread. A run's answer carries the slab back (a result's outputs are in it). */
export type WorkerResponse =
  | { kind: 'ready'; sessions: Record<string, SessionReport>; warmupMs: number }
  | { kind: 'failed'; message: string }
  | { kind: 'result'; id: number; runUs: number; slab: ArrayBuffer }
  | { kind: 'error'; id: number; message: string; slab: ArrayBuffer };

/** Bytes of one element of a tensor type. */
export const ELEMENT_BYTES = 4;

/** Elements of a shape. */
export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** A typed view of `tensor` in `buffer`. */
export function tensorView(buffer: ArrayBufferLike, tensor: SlabTensor): Float32Array | Int32Array {
  const length = elementCount(tensor.dims);
  return tensor.type === 'int32' ? new Int32Array(buffer, tensor.byteOffset, length) : new Float32Array(buffer, tensor.byteOffset, length);
}
