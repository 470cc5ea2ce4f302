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
 * Main thread -> worker: the slab itself, one ArrayBuffer per worker that goes back and forth,
 * transferred (never copied). The main thread writes a run header at its start (see
 * {@link writeRunHeader}) and packs the batch's inputs after it; the worker runs on views of
 * it, writes the outputs into it at the places named and sends it back. A message that is one
 * transferred buffer costs the least to post and to receive (no object to clone).
 */
export type WorkerRequest = ArrayBuffer;

/**
 * Worker -> main thread. A successful run's answer is the slab alone (its outputs and the run's
 * header, with the time inside session.run(), are in it); a failed run names its error.
 */
export type WorkerResponse =
  | ArrayBuffer
  | { kind: 'ready'; sessions: Record<string, SessionReport>; warmupMs: number }
  | { kind: 'failed'; message: string }
  | { kind: 'error'; id: number; message: string; slab: ArrayBuffer };

/** Bytes at the start of a slab that hold the run header; tensors come after. */
export const RUN_HEADER_BYTES = 512;

/** Int32 words of the fixed part of a run header: id, network, input count, output count, runUs as a float64, the non-finite flag, padding. */
const HEADER_FIXED_WORDS = 8;
/** Where the worker writes the time inside session.run(): a float64 right after the four int32 fields. */
const RUN_US_FLOAT64_INDEX = 2;
/** Where the worker writes 1 when an input it was asked to check holds a NaN or an infinity. */
const NON_FINITE_WORD = 6;
/** Set in a tensor's type word: the worker checks its values for NaN and infinities. */
const CHECK_FINITE_FLAG = 0x100;
/** Tensor types by their code in a run header. */
const TENSOR_TYPES: readonly TensorType[] = ['float32', 'int32'];

/** A run as its header describes it: names are indices into the network's input and output names. */
export interface RunHeader {
  id: number;
  /** Index of the network in the worker setup's models (their key order). */
  network: number;
  inputs: HeaderTensor[];
  outputs: HeaderTensor[];
}

/** A tensor of a run header: its name as an index into the network's inputNames or outputNames. */
export interface HeaderTensor extends TensorShape {
  name: number;
  byteOffset: number;
  /** An input the worker checks for NaN and infinities before the run. */
  checkFinite: boolean;
}

/**
 * Writes a run's header into the start of `slab`: int32 words id, network, input count,
 * output count, a float64 slot for runUs, then per tensor (inputs, then outputs) name, type
 * code, byte offset, rank and dims. Throws when it does not fit in {@link RUN_HEADER_BYTES}.
 */
export function writeRunHeader(slab: ArrayBuffer, header: RunHeader): void {
  const words = new Int32Array(slab, 0, RUN_HEADER_BYTES / 4);
  words[0] = header.id;
  words[1] = header.network;
  words[2] = header.inputs.length;
  words[3] = header.outputs.length;
  words[NON_FINITE_WORD] = 0;
  let at = HEADER_FIXED_WORDS;
  const write = (tensor: HeaderTensor): void => {
    if (at + 4 + tensor.dims.length > words.length) throw new RangeError(`the run's tensors do not fit in a ${RUN_HEADER_BYTES}-byte header`);
    words[at] = tensor.name;
    words[at + 1] = TENSOR_TYPES.indexOf(tensor.type) | (tensor.checkFinite ? CHECK_FINITE_FLAG : 0);
    words[at + 2] = tensor.byteOffset;
    words[at + 3] = tensor.dims.length;
    words.set(tensor.dims, at + 4);
    at += 4 + tensor.dims.length;
  };
  header.inputs.forEach(write);
  header.outputs.forEach(write);
}

/** Reads the run header at the start of `slab` (the worker's side of {@link writeRunHeader}). */
export function readRunHeader(slab: ArrayBuffer): RunHeader {
  const words = new Int32Array(slab, 0, RUN_HEADER_BYTES / 4);
  let at = HEADER_FIXED_WORDS;
  const read = (count: number): HeaderTensor[] =>
    Array.from({ length: count }, () => {
      const rank = words[at + 3];
      const typeWord = words[at + 1];
      const tensor = {
        name: words[at],
        type: TENSOR_TYPES[typeWord & ~CHECK_FINITE_FLAG],
        byteOffset: words[at + 2],
        dims: Array.from(words.subarray(at + 4, at + 4 + rank)),
        checkFinite: (typeWord & CHECK_FINITE_FLAG) !== 0,
      };
      at += 4 + rank;
      return tensor;
    });
  const inputs = read(words[2]);
  return { id: words[0], network: words[1], inputs, outputs: read(words[3]) };
}

/** The id of the run whose header is in `slab`. */
export function runIdOf(slab: ArrayBuffer): number {
  return new Int32Array(slab, 0, 1)[0];
}

/** Records the time inside session.run() in the run header (worker side). */
export function writeRunUs(slab: ArrayBuffer, runUs: number): void {
  new Float64Array(slab, 0, RUN_US_FLOAT64_INDEX + 1)[RUN_US_FLOAT64_INDEX] = runUs;
}

/** Records in the run header that a checked input holds a NaN or an infinity (worker side). */
export function markNonFinite(slab: ArrayBuffer): void {
  new Int32Array(slab, 0, NON_FINITE_WORD + 1)[NON_FINITE_WORD] = 1;
}

/** Whether the worker found a NaN or an infinity in a checked input. */
export function readNonFinite(slab: ArrayBuffer): boolean {
  return new Int32Array(slab, 0, NON_FINITE_WORD + 1)[NON_FINITE_WORD] !== 0;
}

/** The time inside session.run() the worker recorded in the run header. */
export function readRunUs(slab: ArrayBuffer): number {
  return new Float64Array(slab, 0, RUN_US_FLOAT64_INDEX + 1)[RUN_US_FLOAT64_INDEX];
}

/** Bytes of one element of a tensor type. */
export const ELEMENT_BYTES = 4;

/** Elements of a shape. */
export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** A typed view of `tensor` in `buffer`. */
export function tensorView(buffer: ArrayBufferLike, tensor: TensorShape & { byteOffset: number }): Float32Array | Int32Array {
  const length = elementCount(tensor.dims);
  return tensor.type === 'int32' ? new Int32Array(buffer, tensor.byteOffset, length) : new Float32Array(buffer, tensor.byteOffset, length);
}
