import { performance } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../../shared/workers/index.js';
import type { Logger } from '../../../shared/logging/index.js';
import { ELEMENT_BYTES, RUN_HEADER_BYTES, RUN_HEADER_CAPACITY_WORDS, elementCount, readRunAnswers, runHeaderWords, tensorView, writeRunHeader } from './inference-messages.js';
import type { HeaderTensor, RunHeader, SessionReport, SessionSettings, SlabTensor, TensorShape, WireTensor, WireTensorMap, WorkerRequest, WorkerResponse, WorkerSetup } from './inference-messages.js';
import { DlrsError } from '../../../shared/errors/index.js';
import { logSessionReports } from './log-session-reports.js';

/** How to start an {@link InferencePool}. */
export interface InferencePoolOptions {
  /** The ONNX model per network name: a file path or the model's bytes. */
  models: Record<string, string | Uint8Array>;
  /** Worker threads, each with its own sessions. */
  size: number;
  session: SessionSettings;
  /** Batch sizes to warm up before the pool is ready. */
  warmupBatchRows: number[];
  logger: Logger;
}

/**
 * One run: the shapes of its inputs and of the outputs it expects, and how to write the inputs.
 * `write` is called when a worker takes the run, with views over that worker's slab, so
 * the rows are packed once, straight into memory the worker reads.
 */
export interface InferenceJob {
  inputs: Record<string, TensorShape>;
  outputs: Record<string, TensorShape>;
  write(inputs: Record<string, Float32Array | Int32Array>): void;
  /**
   * Float32 inputs the worker checks for NaN and infinities before the run, where they are
   * aligned and off the main thread; the result says whether it found one.
   */
  finiteInputs?: readonly string[];
}

/** A job that copies ready tensors into the slab (tests, benchmarks, warm-up-like callers). */
export function copyJob(feeds: WireTensorMap, outputs: Record<string, TensorShape>): InferenceJob {
  return {
    inputs: Object.fromEntries(Object.entries(feeds).map(([name, tensor]) => [name, { type: tensor.type, dims: tensor.dims }])),
    outputs,
    write(views) {
      for (const [name, tensor] of Object.entries(feeds)) (views[name] as Float32Array | Int32Array).set(tensor.data);
    },
  };
}

/** The answer of one run. */
export interface InferenceResult {
  /** The outputs, copied out of the slab (the caller owns them). */
  outputs: WireTensorMap;
  /** Time inside session.run(), in the worker. */
  runUs: number;
  /** Whether one of the job's `finiteInputs` holds a NaN or an infinity. */
  nonFinite: boolean;
}

/** Counters of a pool, for metrics. */
export interface InferencePoolStats {
  size: number;
  /** Workers running a batch now. */
  busy: number;
  /** Batches waiting for a worker. */
  waiting: number;
  /** Sum over workers of the time spent in runs since start, µs. */
  busyUs: number;
}

interface Job {
  id: number;
  network: string;
  job: InferenceJob;
  /** Where the outputs are in the slab, once a worker took the job. */
  outputs: SlabTensor[];
  resolve(result: InferenceResult): void;
  reject(error: Error): void;
}

interface PoolWorker {
  index: number;
  worker: Worker;
  /** The jobs of the message the worker is running, in header order; empty when it is idle. */
  jobs: Job[];
  jobStartMs: number;
  /** The worker's slab while it is here (the worker holds it during a run; undefined before the first run or after a failed one). */
  slab: ArrayBuffer | undefined;
}

/** Tensors start on cache-line boundaries in a slab. */
const SLAB_ALIGNMENT_BYTES = 64;
/** A worker's first slab: 1 MiB holds a batch of about 3,000 RankNet rows of d = 32; it grows (doubling) when a batch needs more. */
const MIN_SLAB_BYTES = 1 << 20;
/**
 * Most batches one message carries to a worker that got free while several waited: each
 * batcher keeps at most a pool's worth in flight, so with two networks a few wait at most.
 */
const MAX_RUNS_PER_MESSAGE = 4;

/** Places tensors one after another in a slab, aligned; returns them and the end. */
function layOut(shapes: Record<string, TensorShape>, startBytes: number): { tensors: SlabTensor[]; endBytes: number } {
  let offset = startBytes;
  const tensors = Object.entries(shapes).map(([name, shape]) => {
    const tensor = { name, type: shape.type, dims: shape.dims, byteOffset: offset };
    offset += Math.ceil((ELEMENT_BYTES * elementCount(shape.dims)) / SLAB_ALIGNMENT_BYTES) * SLAB_ALIGNMENT_BYTES;
    return tensor;
  });
  return { tensors, endBytes: offset };
}


/**
 * onnxruntime sessions in worker threads: `run()` hands a batch to a free worker or queues it
 * until one is free; a worker that gets free takes the batches waiting (up to a few) in one
 * message. Each worker has one slab (an ArrayBuffer transferred to it with its batches and
 * back with the answers): batches are packed straight into it, no buffer is allocated per batch.
 * (A SharedArrayBuffer would spare the transfers, but V8 copies into shared memory element by
 * element, 5-20× slower than into a plain buffer, and onnxruntime-node takes no shared tensors.)
 */
export class InferencePool {
  private readonly idle: PoolWorker[] = [];
  private readonly waiting: Job[] = [];
  private nextId = 1;
  private busyUs = 0;
  private closed = false;
  private readonly idleWaiters: (() => void)[] = [];

  private readonly workers: PoolWorker[] = [];
  /** Replacement workers being started. */
  private replacing = 0;
  /** The networks in the setup's order: a run header names its network by index. */
  private readonly networks: string[];

  private constructor(
    workers: PoolWorker[],
    private readonly setup: WorkerSetup,
    private readonly logger: Logger,
    /** The sessions each network got in the first worker (all workers are built alike). */
    readonly sessions: Record<string, SessionReport>,
  ) {
    this.networks = Object.keys(setup.models);
    for (const entry of workers) this.adopt(entry);
  }

  /** Starts the workers, builds and warms their sessions, and logs which provider each got. */
  static async start(options: InferencePoolOptions): Promise<InferencePool> {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError(`pool size must be an integer >= 1, got ${options.size}`);
    const logger = options.logger;
    const setup: WorkerSetup = { models: options.models, session: options.session, warmupBatchRows: options.warmupBatchRows };
    const started = await Promise.allSettled(
      Array.from({ length: options.size }, (_, index) => startWorker(index, spawnWorker(import.meta.url, 'inference-worker', { workerData: setup }))),
    );
    const workers = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.entry] : []));
    const failure = started.find((outcome) => outcome.status === 'rejected');
    if (failure !== undefined) {
      await Promise.all(workers.map((entry) => entry.worker.terminate()));
      throw failure.reason;
    }
    for (const outcome of started) {
      if (outcome.status !== 'fulfilled') continue;
      const { entry, ready } = outcome.value;
      logSessionReports(logger, entry.index, ready.sessions, options.models);
      logger.debug({ worker: entry.index, warmupMs: ready.warmupMs, batchRows: options.warmupBatchRows }, 'worker warmed up');
    }
    const first = started[0];
    const sessions = first.status === 'fulfilled' ? first.value.ready.sessions : {};
    return new InferencePool(workers, setup, logger, sessions);
  }

  /** Runs `network` in a free worker (or the next one to be free): the job writes its inputs into the worker's slab then. */
  run(network: string, inferenceJob: InferenceJob): Promise<InferenceResult> {
    if (this.closed) return Promise.reject(new DlrsError('UNAVAILABLE', 'the inference pool is closed'));
    if (this.workers.length === 0 && this.replacing === 0) return Promise.reject(new DlrsError('UNAVAILABLE', 'no inference worker is running'));
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.nextId++, network, job: inferenceJob, outputs: [], resolve, reject };
      const entry = this.idle.pop();
      if (entry === undefined) this.waiting.push(job);
      else this.assign(entry, job);
    });
  }

  /** The pool's counters now. */
  stats(): InferencePoolStats {
    const nowMs = performance.now();
    const running = this.workers.filter((entry) => entry.jobs.length > 0);
    const runningUs = running.reduce((sum, entry) => sum + (nowMs - entry.jobStartMs) * 1000, 0);
    return { size: this.workers.length, busy: running.length, waiting: this.waiting.length, busyUs: this.busyUs + runningUs };
  }

  /** Lets queued and running batches finish, then stops the workers. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.isIdle()) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((entry) => entry.worker.terminate()));
  }

  /** Takes a started worker into the pool: it listens to it and gives it the next waiting batch. */
  private adopt(entry: PoolWorker): void {
    this.workers.push(entry);
    entry.worker.on('message', (message: WorkerResponse) => this.onMessage(entry, message));
    entry.worker.on('error', (error) => this.onWorkerLost(entry, error));
    entry.worker.on('exit', (code) => this.onWorkerLost(entry, new Error(`inference worker exited with code ${code}`)));
    this.next(entry);
  }

  /** Gives a free worker the waiting jobs, or makes it idle. */
  private next(entry: PoolWorker): void {
    const job = this.waiting.shift();
    if (job === undefined) this.idle.push(entry);
    else this.assign(entry, job);
  }

  /** Starts a worker in place of a lost one; a replacement that fails to start is logged, not retried (no crash loop). */
  private async replace(index: number): Promise<void> {
    this.replacing += 1;
    try {
      const { entry, ready } = await startWorker(index, spawnWorker(import.meta.url, 'inference-worker', { workerData: this.setup }));
      if (this.closed) await entry.worker.terminate();
      else {
        this.adopt(entry);
        const providers = Object.fromEntries(Object.entries(ready.sessions).map(([network, report]) => [network, report.provider]));
        this.logger.warn({ worker: index, size: this.workers.length, providers }, 'inference worker replaced');
      }
    } catch (error) {
      this.logger.error({ worker: index, err: error, size: this.workers.length }, 'inference worker could not be replaced');
    } finally {
      this.replacing -= 1;
      if (this.workers.length === 0 && this.replacing === 0) this.failWaiting();
    }
  }

  private failWaiting(): void {
    this.waiting.splice(0).forEach((job) => job.reject(new DlrsError('UNAVAILABLE', 'no inference worker is running')));
    if (this.isIdle()) this.idleWaiters.splice(0).forEach((resolve) => resolve());
  }

  /**
   * Gives `first` to a free worker, with the jobs waiting behind it that fit in the slab as it
   * is and in the header (one message, one wake-up, for batches that would go one after
   * another): their inputs are written into the worker's slab (grown first when `first` needs
   * it), then the slab is posted to it.
   */
  private assign(entry: PoolWorker, first: Job): void {
    const runs: { job: Job; inputs: SlabTensor[]; outputs: SlabTensor[] }[] = [];
    let endBytes = RUN_HEADER_BYTES;
    let headerWords = 0;
    for (let job: Job | undefined = first; job !== undefined; job = runs.length < MAX_RUNS_PER_MESSAGE ? this.waiting.shift() : undefined) {
      const inputs = layOut(job.job.inputs, endBytes);
      const outputs = layOut(job.job.outputs, inputs.endBytes);
      const words = runHeaderWords({ inputs: inputs.tensors, outputs: outputs.tensors });
      if (runs.length > 0 && (outputs.endBytes > (entry.slab?.byteLength ?? MIN_SLAB_BYTES) || headerWords + words > RUN_HEADER_CAPACITY_WORDS)) {
        this.waiting.unshift(job);
        break;
      }
      runs.push({ job, inputs: inputs.tensors, outputs: outputs.tensors });
      endBytes = outputs.endBytes;
      headerWords += words;
    }
    const slab = entry.slab !== undefined && entry.slab.byteLength >= endBytes ? entry.slab : new ArrayBuffer(Math.max(MIN_SLAB_BYTES, 2 ** Math.ceil(Math.log2(endBytes))));
    entry.slab = slab;
    const headers: RunHeader[] = [];
    for (const { job, inputs, outputs } of runs) {
      try {
        const report = this.sessions[job.network];
        const header = {
          id: job.id,
          network: this.networks.indexOf(job.network),
          inputs: inputs.map((tensor) => headerTensor(tensor, report?.inputNames, job.network, 'input', job.job.finiteInputs?.includes(tensor.name) ?? false)),
          outputs: outputs.map((tensor) => headerTensor(tensor, report?.outputNames, job.network, 'output', false)),
        };
        if (runHeaderWords(header) > RUN_HEADER_CAPACITY_WORDS) throw new RangeError(`the run's tensors do not fit in a ${RUN_HEADER_BYTES}-byte header`);
        job.job.write(Object.fromEntries(inputs.map((tensor) => [tensor.name, tensorView(slab, tensor)])));
        job.outputs = outputs;
        entry.jobs.push(job);
        headers.push(header);
      } catch (error) {
        job.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    if (entry.jobs.length === 0) {
      this.next(entry);
      return;
    }
    writeRunHeader(slab, headers);
    entry.jobStartMs = performance.now();
    entry.slab = undefined;
    const request: WorkerRequest = slab;
    entry.worker.postMessage(request, [slab]);
  }

  private release(entry: PoolWorker): void {
    this.busyUs += (performance.now() - entry.jobStartMs) * 1000;
    entry.jobs = [];
    this.next(entry);
    if (this.isIdle()) this.idleWaiters.splice(0).forEach((resolve) => resolve());
  }

  private isIdle(): boolean {
    return this.waiting.length === 0 && this.workers.every((entry) => entry.jobs.length === 0);
  }

  /** The answer to a message: each job resolved with its outputs (copied out of the slab first: the worker's next message reuses it), or rejected with its run's error. */
  private onMessage(entry: PoolWorker, message: WorkerResponse): void {
    const jobs = entry.jobs;
    const slab = message instanceof ArrayBuffer ? message : message.kind === 'errors' ? message.slab : undefined;
    // Start-up messages (ready, failed) are read by start(); a replaced worker is no longer heard.
    if (slab === undefined || !this.workers.includes(entry)) return;
    const answers = readRunAnswers(slab);
    if (answers.length !== jobs.length || answers.some((answer, k) => answer.id !== jobs[k].id)) {
      this.onStrayAnswer(entry, answers.map((answer) => answer.id));
      return;
    }
    entry.slab = slab;
    const errors = message instanceof ArrayBuffer || message.kind !== 'errors' ? undefined : message.errors;
    const outcomes = jobs.map((job, k) => {
      const failed = errors?.find((error) => error.id === job.id);
      return failed !== undefined ? { job, failed } : { job, result: { outputs: copyOutputs(slab, job.outputs), runUs: answers[k].runUs, nonFinite: answers[k].nonFinite } };
    });
    this.release(entry);
    for (const { job, failed, result } of outcomes) {
      if (result !== undefined) job.resolve(result);
      else job.reject(new DlrsError('INTERNAL', 'inference failed', { cause: new Error(failed?.message) }));
    }
  }

  /**
   * A worker whose answer names other runs than it was given: the pool and the worker disagree
   * about the slab, so nothing in it can be trusted. Its jobs fail with INTERNAL (none is left
   * waiting), and the worker is replaced as if it had died.
   */
  private onStrayAnswer(entry: PoolWorker, answeredIds: readonly number[]): void {
    const jobs = entry.jobs;
    entry.jobs = [];
    const cause = new Error(`inference worker ${entry.index} answered runs [${answeredIds.join(', ')}] while running [${jobs.map((job) => job.id).join(', ')}]`);
    this.logger.error({ worker: entry.index, running: jobs.map((job) => job.id), answered: answeredIds }, 'inference worker answered runs it was not given');
    for (const job of jobs) job.reject(new DlrsError('INTERNAL', 'inference failed', { cause }));
    this.onWorkerLost(entry, cause);
    void entry.worker.terminate();
  }

  /** A worker that dies takes its batch with it (UNAVAILABLE); the pool goes on with the others and starts a replacement. */
  private onWorkerLost(entry: PoolWorker, error: Error): void {
    const index = this.workers.indexOf(entry);
    if (index < 0) return;
    this.workers.splice(index, 1);
    const idleIndex = this.idle.indexOf(entry);
    if (idleIndex >= 0) this.idle.splice(idleIndex, 1);
    this.logger.error({ worker: entry.index, err: error, remaining: this.workers.length }, 'inference worker lost');
    for (const job of entry.jobs) job.reject(new DlrsError('UNAVAILABLE', 'the inference worker stopped', { cause: error }));
    entry.jobs = [];
    if (!this.closed) void this.replace(entry.index);
    else if (this.workers.length === 0) this.failWaiting();
    if (this.isIdle()) this.idleWaiters.splice(0).forEach((resolve) => resolve());
  }
}

/** A laid-out tensor as the run header names it: by its index among the network's input or output names. */
function headerTensor(tensor: SlabTensor, names: readonly string[] | undefined, network: string, kind: 'input' | 'output', checkFinite: boolean): HeaderTensor {
  const name = names?.indexOf(tensor.name) ?? -1;
  if (name < 0) throw new DlrsError('INTERNAL', 'inference failed', { cause: new Error(`network ${network} has no ${kind} ${tensor.name}`) });
  return { name, type: tensor.type, dims: tensor.dims, byteOffset: tensor.byteOffset, checkFinite };
}

/** The outputs of a finished job, copied out of the slab. */
function copyOutputs(slab: ArrayBuffer, tensors: readonly SlabTensor[]): WireTensorMap {
  const outputs: WireTensorMap = {};
  for (const tensor of tensors) {
    const view = tensorView(slab, tensor);
    outputs[tensor.name] = (view instanceof Int32Array ? { type: 'int32', dims: tensor.dims, data: view.slice() } : { type: 'float32', dims: tensor.dims, data: view.slice() }) as WireTensor;
  }
  return outputs;
}

/** Waits for a new worker's ready (or failed) message. */
function startWorker(index: number, worker: Worker): Promise<{ entry: PoolWorker; ready: Extract<WorkerResponse, { kind: 'ready' }> }> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      worker.off('message', onMessage);
      reject(error);
    };
    const onMessage = (message: WorkerResponse): void => {
      worker.off('error', onError);
      worker.off('message', onMessage);
      if (!(message instanceof ArrayBuffer) && message.kind === 'ready') resolve({ entry: { index, worker, jobs: [], jobStartMs: 0, slab: undefined }, ready: message });
      else {
        void worker.terminate();
        reject(new DlrsError('FAILED_PRECONDITION', !(message instanceof ArrayBuffer) && message.kind === 'failed' ? message.message : 'the inference worker did not start'));
      }
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
  });
}
