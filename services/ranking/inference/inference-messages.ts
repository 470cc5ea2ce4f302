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
 * transferred (never copied). The main thread writes a header at its start naming one or more
 * runs (see {@link writeRunHeader}: the batches waiting when the worker got free) and packs
 * their inputs after it; the worker runs them one after another on views of it, writes the
 * outputs into it at the places named and sends it back. A message that is one transferred
 * buffer costs the least to post and to receive (no object to clone), and one message for
 * several waiting batches spares the wake-ups of a round trip each.
 */
export type WorkerRequest = ArrayBuffer;

/**
 * Worker -> main thread. The answer to a request is the slab alone when every run succeeded
 * (the outputs and each run's header, with the time inside session.run(), are in it); with
 * the errors of the runs that failed otherwise.
 */
export type WorkerResponse =
  | ArrayBuffer
  | { kind: 'ready'; sessions: Record<string, SessionReport>; warmupMs: number }
  | { kind: 'failed'; message: string }
  | { kind: 'errors'; errors: RunError[]; slab: ArrayBuffer };

/** A run that failed in the worker. */
export interface RunError {
  id: number;
  message: string;
}

/** Bytes at the start of a slab that hold the header of its runs; tensors come after. */
export const RUN_HEADER_BYTES = 1024;

/** Int32 words of a run's fixed part: id, network, input count, output count, runUs (whole µs), non-finite flag. */
const RUN_FIXED_WORDS = 6;
/** Words of one tensor before its dims: name, type (and flags), byte offset, rank. */
const TENSOR_FIXED_WORDS = 4;
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

/** A run as the worker read it, with where its answers go in the header. */
export interface ReadRun extends RunHeader {
  /** Index of the run's first header word. */
  at: number;
}

/** The header words one run takes. */
export function runHeaderWords(run: { inputs: readonly TensorShape[]; outputs: readonly TensorShape[] }): number {
  const tensorWords = (tensors: readonly TensorShape[]): number => tensors.reduce((sum, tensor) => sum + TENSOR_FIXED_WORDS + tensor.dims.length, 0);
  return RUN_FIXED_WORDS + tensorWords(run.inputs) + tensorWords(run.outputs);
}

/** Header words available to runs (the first holds their count). */
export const RUN_HEADER_CAPACITY_WORDS = RUN_HEADER_BYTES / 4 - 1;

/**
 * Writes the header of `runs` into the start of `slab`: their count, then per run the int32
 * words id, network, input count, output count, runUs and non-finite slots, then per tensor
 * (inputs, then outputs) name, type code, byte offset, rank and dims. Throws when they do not
 * fit in {@link RUN_HEADER_BYTES}.
 */
export function writeRunHeader(slab: ArrayBuffer, runs: readonly RunHeader[]): void {
  const words = new Int32Array(slab, 0, RUN_HEADER_BYTES / 4);
  words[0] = runs.length;
  let at = 1;
  const write = (tensor: HeaderTensor): void => {
    if (at + TENSOR_FIXED_WORDS + tensor.dims.length > words.length) throw new RangeError(`the runs' tensors do not fit in a ${RUN_HEADER_BYTES}-byte header`);
    words[at] = tensor.name;
    words[at + 1] = TENSOR_TYPES.indexOf(tensor.type) | (tensor.checkFinite ? CHECK_FINITE_FLAG : 0);
    words[at + 2] = tensor.byteOffset;
    words[at + 3] = tensor.dims.length;
    words.set(tensor.dims, at + TENSOR_FIXED_WORDS);
    at += TENSOR_FIXED_WORDS + tensor.dims.length;
  };
  for (const run of runs) {
    if (at + RUN_FIXED_WORDS > words.length) throw new RangeError(`the runs do not fit in a ${RUN_HEADER_BYTES}-byte header`);
    words.set([run.id, run.network, run.inputs.length, run.outputs.length, 0, 0], at);
    at += RUN_FIXED_WORDS;
    run.inputs.forEach(write);
    run.outputs.forEach(write);
  }
}

/** Reads the runs of the header at the start of `slab` (the worker's side of {@link writeRunHeader}). */
export function readRunHeader(slab: ArrayBuffer): ReadRun[] {
  const words = new Int32Array(slab, 0, RUN_HEADER_BYTES / 4);
  let at = 1;
  const read = (count: number): HeaderTensor[] =>
    Array.from({ length: count }, () => {
      const typeWord = words[at + 1];
      const rank = words[at + 3];
      const tensor = {
        name: words[at],
        type: TENSOR_TYPES[typeWord & ~CHECK_FINITE_FLAG],
        byteOffset: words[at + 2],
        dims: Array.from(words.subarray(at + TENSOR_FIXED_WORDS, at + TENSOR_FIXED_WORDS + rank)),
        checkFinite: (typeWord & CHECK_FINITE_FLAG) !== 0,
      };
      at += TENSOR_FIXED_WORDS + rank;
      return tensor;
    });
  return Array.from({ length: words[0] }, () => {
    const runAt = at;
    at += RUN_FIXED_WORDS;
    const inputs = read(words[runAt + 2]);
    return { at: runAt, id: words[runAt], network: words[runAt + 1], inputs, outputs: read(words[runAt + 3]) };
  });
}

/** What a worker records of a run in its header: the time inside session.run(), and whether a checked input held a NaN or an infinity. */
export function writeRunAnswer(slab: ArrayBuffer, run: ReadRun, runUs: number, nonFinite: boolean): void {
  const words = new Int32Array(slab, 0, RUN_HEADER_BYTES / 4);
  words[run.at + 4] = Math.round(runUs);
  words[run.at + 5] = nonFinite ? 1 : 0;
}

/** The ids of the runs in the header and what the worker recorded of each, in header order. */
export function readRunAnswers(slab: ArrayBuffer): { id: number; runUs: number; nonFinite: boolean }[] {
  const words = new Int32Array(slab, 0, RUN_HEADER_BYTES / 4);
  let at = 1;
  return Array.from({ length: words[0] }, () => {
    const answer = { id: words[at], runUs: words[at + 4], nonFinite: words[at + 5] !== 0 };
    let tensors = words[at + 2] + words[at + 3];
    at += RUN_FIXED_WORDS;
    for (; tensors > 0; tensors -= 1) at += TENSOR_FIXED_WORDS + words[at + 3];
    return answer;
  });
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
