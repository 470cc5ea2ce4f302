import type { ClientDuplexStream } from '@grpc/grpc-js';
import { DlrsError } from '../../../shared/errors/index.js';
import type { CancelSignal } from '../../../shared/grpc/index.js';
import type { Logger } from '../../../shared/logging/index.js';
import type { CallBudget } from '../recommend/ports.js';

/** Options of a {@link StreamMultiplexer}. */
export interface StreamMultiplexerOptions<Req, Res> {
  /** Names the stream in errors, e.g. "ranking" or "shard 1". */
  name: string;
  /** Opens the long-lived call (without a deadline). */
  open(): ClientDuplexStream<Req, Res>;
  /** The request id an answer is for. */
  requestIdOf(response: Res): string;
  /** Hears the stream break and reopen, and the first unary fallback of each outage. */
  logger: Logger;
  /** After the stream broke, calls fail at once for this long before it is opened again. */
  reconnectDelayMs?: number;
  now?: () => number;
}

/**
 * Long enough not to hammer a restarting tier with stream openings, short enough that the
 * stream is back within a second of the tier (unary calls carry the load meanwhile).
 */
export const DEFAULT_RECONNECT_DELAY_MS = 500;

interface Pending<Res> {
  resolve(response: Res): void;
  reject(error: DlrsError): void;
  /** The request's budget signal and the listener that drops the request when it aborts. */
  signal: CancelSignal;
  onAbort(): void;
}

/**
 * Many requests on one bidirectional stream, correlated by request ids the multiplexer
 * assigns (callers' ids may repeat). A request whose budget ends is dropped from the
 * stream's books (its late answer is ignored). When the stream breaks, every request on it
 * fails with UNAVAILABLE and the stream is opened again on a later request, after
 * `reconnectDelayMs`.
 */
export class StreamMultiplexer<Req, Res> {
  private call: ClientDuplexStream<Req, Res> | undefined;
  private readonly pending = new Map<string, Pending<Res>>();
  private nextId = 0;
  private brokenAtMs = Number.NEGATIVE_INFINITY;
  private closed = false;
  /** Requests sent as unary calls since the stream last broke or opened (logged once per outage). */
  private fallbacks = 0;
  private readonly now: () => number;
  private readonly reconnectDelayMs: number;

  constructor(private readonly options: StreamMultiplexerOptions<Req, Res>) {
    this.now = options.now ?? Date.now;
    this.reconnectDelayMs = options.reconnectDelayMs ?? DEFAULT_RECONNECT_DELAY_MS;
  }

  /** Sends the request `build` makes for the assigned id; resolves with its answer. */
  send(build: (requestId: string) => Req, budget: CallBudget): Promise<Res> {
    if (budget.signal.aborted) return Promise.reject(abortError(budget.signal));
    let call: ClientDuplexStream<Req, Res>;
    try {
      call = this.connect();
    } catch (error) {
      return Promise.reject(error);
    }
    const id = String(++this.nextId);
    return new Promise<Res>((resolve, reject) => {
      const onAbort = (): void => {
        this.pending.delete(id);
        reject(abortError(budget.signal));
      };
      budget.signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, { resolve, reject, signal: budget.signal, onAbort });
      call.write(build(id));
    });
  }

  /** Requests waiting for their answers. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Notes a request that went as a unary call because the stream was down (`why`); the first of
   * an outage is logged, the count when the stream opens again.
   */
  fellBack(why: string): void {
    if (this.fallbacks++ === 0) this.options.logger.warn({ stream: this.options.name, why }, 'stream down: requests go as unary calls');
  }

  /** Ends the stream; waiting requests fail with UNAVAILABLE. Safe to call twice. */
  close(): void {
    this.closed = true;
    const call = this.call;
    if (call) this.broken(call, 'the client closed it');
  }

  private connect(): ClientDuplexStream<Req, Res> {
    if (this.closed) throw new DlrsError('UNAVAILABLE', `the ${this.options.name} stream is closed`);
    if (this.call) return this.call;
    if (this.now() - this.brokenAtMs < this.reconnectDelayMs) throw new DlrsError('UNAVAILABLE', `the ${this.options.name} stream is reconnecting`);
    const call = this.options.open();
    if (Number.isFinite(this.brokenAtMs)) {
      this.options.logger.info({ stream: this.options.name, unaryFallbacks: this.fallbacks }, 'stream opened again');
      this.fallbacks = 0;
    }
    call.on('data', (response: Res) => {
      const id = this.options.requestIdOf(response);
      const waiting = this.pending.get(id);
      if (waiting === undefined) return;
      this.pending.delete(id);
      waiting.signal.removeEventListener('abort', waiting.onAbort);
      waiting.resolve(response);
    });
    call.on('error', (error: unknown) => this.broken(call, DlrsError.from(error).message));
    call.on('end', () => this.broken(call, 'the server ended it'));
    this.call = call;
    return call;
  }

  private broken(call: ClientDuplexStream<Req, Res>, why: string): void {
    if (this.call !== call) return;
    this.call = undefined;
    this.brokenAtMs = this.now();
    const error = new DlrsError('UNAVAILABLE', `the ${this.options.name} stream broke: ${why}`);
    if (!this.closed) this.options.logger.warn({ stream: this.options.name, why, failedRequests: this.pending.size }, 'stream broke');
    for (const waiting of this.pending.values()) {
      waiting.signal.removeEventListener('abort', waiting.onAbort);
      waiting.reject(error);
    }
    this.pending.clear();
    call.cancel();
  }
}

function abortError(signal: CancelSignal): DlrsError {
  return signal.reason instanceof DlrsError ? signal.reason : new DlrsError('CANCELLED', 'the call was cancelled');
}
