import { DlrsError } from '../errors/index.js';
import type { ErrorStatus } from '../generated/dlrs/v1/ErrorStatus.js';
import type { CallContext } from './call-context.js';
import type { StreamWriter } from './method-handlers.js';
import { streamErrorStatus } from './stream-error-status.js';
import type { TraceContextCarrier } from './stream-request-tracing.js';

/**
 * What a multiplexed stream does with a request that arrives while `maxInFlight` are in flight:
 * `wait` reads the stream no further until one is answered (HTTP/2 flow control then slows the
 * client), `reject` answers it RESOURCE_EXHAUSTED at once and reads on.
 */
export type StreamOverflow = 'wait' | 'reject';

/** A request on a multiplexed stream: correlated by its id, traced by the context it carries. */
export interface MultiplexedRequest {
  readonly requestId: string;
  readonly traceContext?: TraceContextCarrier | null;
}

/** An answer on a multiplexed stream: the request's id, and its failure in band. */
export interface MultiplexedAnswer {
  requestId?: string;
  error?: ErrorStatus | null;
}

/** The answer of a request that failed alone; the stream goes on. */
interface FailedAnswer {
  requestId: string;
  error: ErrorStatus;
}

/** What the stream uses of its call. */
export type MultiplexedStreamCall = Pick<CallContext, 'signal' | 'deadline' | 'logger' | 'streamRequest'>;

/** How one multiplexed stream method serves its requests; made once per server. */
export interface MultiplexedStreamOptions<Req extends MultiplexedRequest, Res extends MultiplexedAnswer> {
  /** The stream method, e.g. `SearchStream`, as refusals name it. */
  stream: string;
  overflow: StreamOverflow;
  /** Requests of one stream in flight at once; a request counts until its answer is written. */
  maxInFlight: number;
  /** The budget of a request whose timeout is 0 (Infinity: none). The call's deadline bounds every request as well. */
  defaultTimeoutMs: number;
  /** The unary method a request is traced and counted as, e.g. `/dlrs.v1.Retrieval/Search`. */
  methodOf(request: Req): string;
  /** The request's own timeout in ms, counted from its arrival (0 = the default). */
  timeoutMsOf(request: Req): number;
  /** Checks a request before it is traced and served; what it throws is sent as its ErrorStatus. */
  admit?(request: Req): void;
  /**
   * Serves one request by `deadlineAtMs` (ms since the epoch; Infinity = none); `signal` aborts
   * when the call ends. What it throws is sent as the request's ErrorStatus.
   */
  serve(request: Req, deadlineAtMs: number, signal: AbortSignal): Promise<Res>;
  /** The clock the deadlines are counted on. */
  now?: () => number;
}

const failureOf = (answer: MultiplexedAnswer): ErrorStatus | undefined => answer.error ?? undefined;

/**
 * Serves one call of a multiplexed bidi stream: requests run concurrently, each correlated by
 * its request_id and answered in completion order, each as a request of its unary method (its
 * own span and RPC metrics), each by its own deadline. A request without an id, with the id of
 * one still in flight, over the `reject` bound or failing in its handler gets its ErrorStatus
 * and the stream goes on. Resolves once the requests end and every answer is written.
 */
export async function serveMultiplexedStream<Req extends MultiplexedRequest, Res extends MultiplexedAnswer>(
  requests: AsyncIterable<Req>,
  writer: StreamWriter<Res | FailedAnswer>,
  call: MultiplexedStreamCall,
  options: MultiplexedStreamOptions<Req, Res>,
): Promise<void> {
  const { stream, overflow, maxInFlight, defaultTimeoutMs } = options;
  const { signal, logger } = call;
  const now = options.now ?? Date.now;
  const callDeadlineMs = call.deadline instanceof Date ? call.deadline.getTime() : call.deadline;
  const inFlight = new Map<string, Promise<void>>();
  // Only this loop waits for a slot, so one waiter is enough.
  let slotFreed: (() => void) | undefined;

  const send = async (answer: Res | FailedAnswer): Promise<void> => {
    try {
      await writer.write(answer);
    } catch (error) {
      // The call is gone: nobody is left to answer.
      if (!signal.aborted) logger.warn({ err: error, requestId: answer.requestId, stream }, 'could not write a stream answer');
    }
  };
  const failed = (requestId: string, error: unknown): FailedAnswer => ({ requestId, error: streamErrorStatus(error, logger, requestId) });
  const settle = (id: string): void => {
    inFlight.delete(id);
    slotFreed?.();
    slotFreed = undefined;
  };

  for await (const request of requests) {
    if (overflow === 'wait') {
      while (inFlight.size >= maxInFlight) await new Promise<void>((resolve) => (slotFreed = resolve));
    }
    const id = request.requestId;
    const refusal = refusalOf(id, inFlight, maxInFlight, stream) ?? admissionError(options.admit, request);
    if (refusal !== undefined) {
      await send(failed(id, refusal));
      continue;
    }
    const timeoutMs = options.timeoutMsOf(request);
    const deadlineAtMs = Math.min(callDeadlineMs, now() + (timeoutMs > 0 ? timeoutMs : defaultTimeoutMs));
    // The failure is made inside the request's span, so that a logged unexpected error carries its trace id.
    const task = call
      .streamRequest(
        options.methodOf(request),
        request.traceContext,
        async (): Promise<Res | FailedAnswer> => {
          try {
            return await options.serve(request, deadlineAtMs, signal);
          } catch (error) {
            return failed(id, error);
          }
        },
        failureOf,
      )
      .then(send)
      .then(() => settle(id));
    inFlight.set(id, task);
  }
  await Promise.all(inFlight.values());
}

/** What the stream's own check of a request threw, if it threw. */
function admissionError<Req>(admit: ((request: Req) => void) | undefined, request: Req): DlrsError | undefined {
  if (admit === undefined) return undefined;
  try {
    admit(request);
    return undefined;
  } catch (error) {
    return DlrsError.from(error);
  }
}

/** Why a request is answered at once instead of served, if it is. */
function refusalOf(id: string, inFlight: ReadonlyMap<string, unknown>, maxInFlight: number, stream: string): DlrsError | undefined {
  if (id === '') return new DlrsError('INVALID_ARGUMENT', `is required on ${stream}`, { field: 'request_id' });
  if (inFlight.has(id)) return new DlrsError('INVALID_ARGUMENT', `${id} is already in flight on this stream`, { field: 'request_id' });
  // Under `wait` the loop waited for a slot, so only `reject` gets here at the bound.
  if (inFlight.size >= maxInFlight) return new DlrsError('RESOURCE_EXHAUSTED', `${inFlight.size} requests are in flight on this ${stream}, the most allowed; retry with backoff`);
  return undefined;
}
