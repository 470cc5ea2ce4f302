import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { DlrsError } from '../../../shared/errors/index.js';
import { elementCount } from './inference-messages.js';
import type { SessionReport, TensorShape, WireTensor, WireTensorMap } from './inference-messages.js';
import type { InferenceJob, InferencePoolOptions, InferencePoolStats, InferenceResult } from './inference-pool.js';
import { checkedOutput, holdsNonFinite, loadSessions } from './inference-sessions.js';
import { logSessionReports } from './log-session-reports.js';

/**
 * onnxruntime sessions run on the event loop itself, one run at a time: no worker thread, so a
 * batch costs no hand-off and no wake-up of another thread (each costs tens to hundreds of µs of
 * CPU on a virtual machine), but the loop is blocked for each run (RankNet on a few hundred rows:
 * tens of µs; a full batch of 2,048 rows: a few ms). onnxruntime-node runs a session
 * synchronously in a setImmediate callback, so with one intra-op thread nothing else wakes.
 * Each input has one buffer per network, grown when a batch needs more: no allocation per run.
 */
export class InlineInference {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly buffers = new Map<string, ArrayBuffer>();
  private queued = 0;
  private running = false;
  private busyUs = 0;
  private closed = false;

  private constructor(
    private readonly runners: Map<string, ort.InferenceSession>,
    /** The session of each network. */
    readonly sessions: Record<string, SessionReport>,
  ) {}

  /** Builds and warms the sessions on this thread and logs which provider each got. */
  static async start(options: Omit<InferencePoolOptions, 'size'>): Promise<InlineInference> {
    const loaded = await loadSessions(options.models, options.session, options.warmupBatchRows);
    logSessionReports(options.logger, 'inline', loaded.reports, options.models);
    options.logger.debug({ worker: 'inline', warmupMs: loaded.warmupMs, batchRows: options.warmupBatchRows }, 'sessions warmed up');
    return new InlineInference(loaded.sessions, loaded.reports);
  }

  /** Runs `network` after the runs asked before it: the job writes its inputs into this backend's buffers then. */
  run(network: string, job: InferenceJob): Promise<InferenceResult> {
    if (this.closed) return Promise.reject(new DlrsError('UNAVAILABLE', 'the inference pool is closed'));
    const session = this.runners.get(network);
    if (session === undefined) return Promise.reject(new DlrsError('INTERNAL', 'inference failed', { cause: new Error(`no session for network ${network}`) }));
    this.queued += 1;
    const result = this.tail.then(() => this.runNow(network, session, job));
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** The counters, as a pool of one worker would report them. */
  stats(): InferencePoolStats {
    return { size: 1, busy: this.running ? 1 : 0, waiting: this.queued - (this.running ? 1 : 0), busyUs: this.busyUs };
  }

  /** Lets the runs asked so far finish, then releases the sessions. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    await Promise.all([...this.runners.values()].map((session) => session.release()));
  }

  private async runNow(network: string, session: ort.InferenceSession, job: InferenceJob): Promise<InferenceResult> {
    this.running = true;
    const startMs = performance.now();
    try {
      const views = Object.fromEntries(Object.entries(job.inputs).map(([name, shape]) => [name, this.view(`${network}/${name}`, shape)]));
      job.write(views);
      const nonFinite = (job.finiteInputs ?? []).some((name) => {
        const view = views[name];
        return view instanceof Float32Array && holdsNonFinite(view);
      });
      const feeds = Object.fromEntries(Object.entries(job.inputs).map(([name, shape]) => [name, new ort.Tensor(shape.type, views[name], shape.dims)]));
      const runStartMs = performance.now();
      let outputs: WireTensorMap;
      let runUs: number;
      try {
        const results = await session.run(feeds);
        runUs = (performance.now() - runStartMs) * 1000;
        // onnxruntime allocates each run's outputs: the caller may keep them.
        outputs = Object.fromEntries(Object.entries(job.outputs).map(([name, shape]) => [name, { type: shape.type, dims: shape.dims, data: checkedOutput(results, name, shape.type, elementCount(shape.dims)) } as WireTensor]));
      } catch (error) {
        throw new DlrsError('INTERNAL', 'inference failed', { cause: error instanceof Error ? error : new Error(String(error)) });
      }
      return { outputs, runUs, nonFinite };
    } finally {
      this.busyUs += (performance.now() - startMs) * 1000;
      this.running = false;
      this.queued -= 1;
    }
  }

  /** A view of `elementCount(shape.dims)` elements over the input's buffer, grown (doubling) when too small. */
  private view(key: string, shape: TensorShape): Float32Array | Int32Array {
    const count = elementCount(shape.dims);
    let buffer = this.buffers.get(key);
    if (buffer === undefined || buffer.byteLength < 4 * count) {
      buffer = new ArrayBuffer(4 * 2 ** Math.ceil(Math.log2(Math.max(1, count))));
      this.buffers.set(key, buffer);
    }
    return shape.type === 'int32' ? new Int32Array(buffer, 0, count) : new Float32Array(buffer, 0, count);
  }
}
