import { performance } from 'node:perf_hooks';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { DlrsError } from '../../../shared/errors/index.js';

/**
 * Runs one batch: `inputs[k]` holds `rowCounts[k]` rows; the answer holds one output per
 * input, in the same order, or an Error in place of the output of a request that fails alone
 * (the batch ran; that request's input was bad). Packing the rows into tensors and splitting
 * the result back is the runner's business; the batcher only counts rows.
 */
export type BatchRunner<I, O> = (inputs: readonly I[], rowCounts: readonly number[]) => Promise<readonly (O | Error)[]>;

/** The dynamic batcher's knobs (named after Triton's dynamic batcher). */
export interface MicroBatcherOptions {
  /** A batch is flushed as soon as this many rows wait. */
  maxBatchRows: number;
  /** ...or when its oldest row has waited this long (timer resolution: 1 ms; 0 = never wait). */
  maxQueueDelayUs: number;
  /** Rows allowed to wait; a request that does not fit is refused at once (RESOURCE_EXHAUSTED). */
  maxQueueRows: number;
  /** Batches run at once (the inference workers); while all run, rows wait and batches grow. */
  maxBatchesInFlight: number;
}

/** What the batcher reports, for metrics. Every hook is optional. */
export interface BatchObserver {
  /** A batch was formed; `queueDelaysUs` holds each request's wait. */
  onBatch?(rows: number, queueDelaysUs: readonly number[]): void;
  /** A batch finished (successfully or not) after `durationUs`. */
  onBatchDone?(rows: number, durationUs: number, ok: boolean): void;
  /** A request was refused because the queue was full. */
  onRejected?(rows: number): void;
  /** A request's deadline passed before it ran; its rows were dropped. */
  onExpired?(rows: number): void;
  /** A request was cancelled by its caller. */
  onCancelled?(rows: number): void;
}

/** Per-request options of {@link MicroBatcher.submit}. */
export interface SubmitOptions {
  /** When the caller stops waiting, ms since the epoch (like a gRPC deadline); the rows are dropped before inference after it. */
  deadlineAtMs?: number;
  /** Aborting it rejects the request (with the abort reason when it is a DlrsError, CANCELLED otherwise) and frees its queued rows. */
  signal?: AbortSignal;
  /**
   * The request's own budget from submission (a stream request has no call deadline): when it
   * passes, the request is rejected with DEADLINE_EXCEEDED, queued or running, and its rows are
   * dropped before inference. Cheaper than an AbortController and a timer per request.
   */
  timeoutMs?: number;
}

type EntryState = 'queued' | 'running' | 'settled';

interface Entry<I, O> {
  input: I;
  rows: number;
  enqueuedAtMs: number;
  deadlineAtMs: number | undefined;
  state: EntryState;
  /** The span active when the request was submitted (its request's span): linked with its batch's span. */
  span: Span | undefined;
  resolve(output: O): void;
  reject(error: Error): void;
  detach(): void;
}

/** Tracer of the batch spans. */
const TRACER_NAME = 'dlrs-ranking';

/** Attribute of a request's span naming the batch that served it (the batch span's id). */
export const BATCH_ID_ATTRIBUTE = 'dlrs.batch_id';

/** Above this many consumed slots at the head of the queue array, it is compacted. */
const QUEUE_COMPACTION_SLOTS = 1024;

/**
 * A dynamic micro-batcher: rows of concurrent requests are packed into one batch run.
 *
 * A batch is flushed when a worker is free and either `maxBatchRows` rows wait or the oldest
 * has waited `maxQueueDelayUs`. Requests are taken in arrival order while they fit into
 * `maxBatchRows`; a request larger than `maxBatchRows` is never split: it runs alone, as one
 * batch of its own, when it reaches the head of the queue (splitting would tie one request's
 * answer to several batches and buy nothing when callers respect the configured request size).
 */
export class MicroBatcher<I, O> {
  private readonly queue: (Entry<I, O> | undefined)[] = [];
  private head = 0;
  private queuedRowCount = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private closing = false;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly runner: BatchRunner<I, O>,
    private readonly options: MicroBatcherOptions,
    private readonly observer: BatchObserver = {},
    /** Name of each batch's span, e.g. `ranknet batch`. */
    private readonly batchSpanName = 'micro-batch',
  ) {
    for (const key of ['maxBatchRows', 'maxQueueRows', 'maxBatchesInFlight'] as const) {
      if (!Number.isInteger(options[key]) || options[key] < 1) throw new RangeError(`${key} must be an integer >= 1, got ${options[key]}`);
    }
    if (!Number.isFinite(options.maxQueueDelayUs) || options.maxQueueDelayUs < 0) {
      throw new RangeError(`maxQueueDelayUs must be >= 0, got ${options.maxQueueDelayUs}`);
    }
  }

  /** Rows waiting for a batch. */
  get queuedRows(): number {
    return this.queuedRowCount;
  }

  /** Batches running now. */
  get batchesInFlight(): number {
    return this.inFlight;
  }

  /** Queues `rows` rows of `input`; resolves with the runner's output for it. */
  submit(input: I, rows: number, options: SubmitOptions = {}): Promise<O> {
    if (this.closing) return Promise.reject(new DlrsError('UNAVAILABLE', 'the model is being unloaded'));
    if (!Number.isInteger(rows) || rows < 1) return Promise.reject(new RangeError(`rows must be an integer >= 1, got ${rows}`));
    const { signal, timeoutMs } = options;
    const deadlineAtMs = timeoutMs === undefined ? options.deadlineAtMs : Math.min(options.deadlineAtMs ?? Number.POSITIVE_INFINITY, Date.now() + timeoutMs);
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (this.queuedRowCount + rows > this.options.maxQueueRows) {
      this.observer.onRejected?.(rows);
      return Promise.reject(
        new DlrsError('RESOURCE_EXHAUSTED', `the queue is full (${this.queuedRowCount} of ${this.options.maxQueueRows} rows wait; this request has ${rows})`),
      );
    }
    return new Promise<O>((resolve, reject) => {
      const onAbort = (): void => this.cancel(entry, abortError(signal as AbortSignal));
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => this.cancel(entry, new DlrsError('DEADLINE_EXCEEDED', `the request's ${timeoutMs} ms passed`)), timeoutMs);
      const entry: Entry<I, O> = {
        input,
        rows,
        enqueuedAtMs: performance.now(),
        deadlineAtMs,
        state: 'queued',
        span: trace.getActiveSpan(),
        resolve,
        reject,
        detach: () => {
          signal?.removeEventListener('abort', onAbort);
          clearTimeout(timer);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(entry);
      this.queuedRowCount += rows;
      this.pump();
    });
  }

  /**
   * Stops accepting requests (they get UNAVAILABLE), runs what is queued without waiting
   * for the delay, and resolves when every batch has finished. Safe to call twice.
   */
  close(): Promise<void> {
    this.closing = true;
    this.pump();
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && this.queuedRowCount === 0;
  }

  private cancel(entry: Entry<I, O>, error: DlrsError): void {
    if (entry.state === 'settled') return;
    if (entry.state === 'queued') this.queuedRowCount -= entry.rows;
    this.observer.onCancelled?.(entry.rows);
    settle(entry, undefined, error);
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.options.maxBatchesInFlight) {
      const first = this.peek();
      if (first === undefined) break;
      const waitedUs = (performance.now() - first.enqueuedAtMs) * 1000;
      if (!this.closing && this.queuedRowCount < this.options.maxBatchRows && waitedUs < this.options.maxQueueDelayUs) {
        this.armTimer(this.options.maxQueueDelayUs - waitedUs);
        break;
      }
      const batch = this.take();
      if (batch.length > 0) this.dispatch(batch);
    }
    if (this.queuedRowCount === 0) this.clearTimer();
    if (this.isIdle()) this.idleWaiters.splice(0).forEach((resolve) => resolve());
  }

  /** The oldest queued entry, skipping cancelled slots. */
  private peek(): Entry<I, O> | undefined {
    while (this.head < this.queue.length) {
      const entry = this.queue[this.head];
      if (entry !== undefined && entry.state === 'queued') return entry;
      this.queue[this.head] = undefined;
      this.head += 1;
    }
    this.compact();
    return undefined;
  }

  /** Takes queued entries in order while they fit; drops the expired ones. */
  private take(): Entry<I, O>[] {
    const batch: Entry<I, O>[] = [];
    let rows = 0;
    const nowMs = Date.now();
    for (let entry = this.peek(); entry !== undefined; entry = this.peek()) {
      if (batch.length > 0 && rows + entry.rows > this.options.maxBatchRows) break;
      this.queue[this.head] = undefined;
      this.head += 1;
      this.queuedRowCount -= entry.rows;
      if (entry.deadlineAtMs !== undefined && nowMs >= entry.deadlineAtMs) {
        this.observer.onExpired?.(entry.rows);
        settle(entry, undefined, new DlrsError('DEADLINE_EXCEEDED', 'the deadline passed while the request was queued'));
        continue;
      }
      entry.state = 'running';
      batch.push(entry);
      rows += entry.rows;
      if (rows >= this.options.maxBatchRows) break;
    }
    this.compact();
    return batch;
  }

  private dispatch(batch: Entry<I, O>[]): void {
    const startMs = performance.now();
    const rowCounts = batch.map((entry) => entry.rows);
    const rows = rowCounts.reduce((sum, n) => sum + n, 0);
    this.observer.onBatch?.(rows, batch.map((entry) => (startMs - entry.enqueuedAtMs) * 1000));
    this.inFlight += 1;
    const span = this.batchSpan(batch, rows);
    void this.execute(batch, rowCounts).then((ok) => {
      span?.end();
      this.observer.onBatchDone?.(rows, (performance.now() - startMs) * 1000, ok);
      this.inFlight -= 1;
      this.pump();
    });
  }

  /**
   * A batch serves requests of many traces, so its span is a root of its own, linked to each
   * request's span; each request's span links back to it and names it in `dlrs.batch_id`.
   * A batch none of whose requests is traced (sampled) gets no span: it would link nothing.
   */
  private batchSpan(batch: Entry<I, O>[], rows: number): Span | undefined {
    const requestSpans = batch.flatMap((entry) => (entry.span?.isRecording() ? [entry.span] : []));
    if (requestSpans.length === 0) return undefined;
    const span = trace.getTracer(TRACER_NAME).startSpan(
      this.batchSpanName,
      { root: true, attributes: { 'dlrs.batch.rows': rows, 'dlrs.batch.requests': batch.length }, links: requestSpans.map((s) => ({ context: s.spanContext() })) },
      ROOT_CONTEXT,
    );
    if (span.isRecording()) {
      const batchId = span.spanContext().spanId;
      for (const requestSpan of requestSpans) requestSpan.setAttribute(BATCH_ID_ATTRIBUTE, batchId).addLink({ context: span.spanContext() });
    }
    return span;
  }

  /** Runs a batch and settles its entries; resolves whether it succeeded, never rejects. */
  private async execute(batch: Entry<I, O>[], rowCounts: number[]): Promise<boolean> {
    try {
      const outputs = await this.runner(batch.map((entry) => entry.input), rowCounts);
      if (outputs.length !== batch.length) throw new Error(`the batch runner returned ${outputs.length} outputs for ${batch.length} inputs`);
      batch.forEach((entry, k) => {
        const output = outputs[k];
        if (output instanceof Error) settle(entry, undefined, output);
        else settle(entry, output);
      });
      return true;
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      batch.forEach((entry) => settle(entry, undefined, failure));
      return false;
    }
  }

  private armTimer(delayUs: number): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.ceil(delayUs / 1000));
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > QUEUE_COMPACTION_SLOTS && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}

/** The abort's reason when it is a ranking error (a deadline, a shutdown), CANCELLED otherwise. */
function abortError(signal: AbortSignal): DlrsError {
  const reason: unknown = signal.reason;
  return reason instanceof DlrsError ? reason : new DlrsError('CANCELLED', 'the request was cancelled');
}

/** Settles an entry once; a cancelled entry ignores its late result. */
function settle<I, O>(entry: Entry<I, O>, output: O | undefined, error?: Error): void {
  if (entry.state === 'settled') return;
  entry.state = 'settled';
  entry.detach();
  if (error !== undefined) entry.reject(error);
  else entry.resolve(output as O);
}
