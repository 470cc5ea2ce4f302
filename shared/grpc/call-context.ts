import type { Metadata, ServerDuplexStream, ServerUnaryCall } from '@grpc/grpc-js';
import { DlrsError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import type { InBandStatus, TraceContextCarrier } from './stream-request-tracing.js';

/** What a handler knows about its call besides the request. */
export interface CallContext {
  /** The caller's deadline; pass it on to downstream calls so deadlines propagate. Infinity when none. */
  readonly deadline: Date | number;
  /** Aborted when the caller cancels or the deadline passes; `signal.reason` is a DlrsError (CANCELLED or DEADLINE_EXCEEDED). */
  readonly signal: AbortSignal;
  /** The request metadata (headers). */
  readonly metadata: Metadata;
  /** The method path, `/dlrs.v1.Service/Method`. */
  readonly path: string;
  /** Logger bound to the method; log lines carry the trace id. */
  readonly logger: Logger;
  /**
   * Runs one request of a multiplexed stream as if it were a call of the unary method `path`
   * (e.g. `/dlrs.v1.Ranking/Rank`): its own span, continuing the trace the request carries, and
   * its own entry in the RPC metrics, so that latency per request is visible, not per stream.
   * `failureOf` finds an error the answer carries in band.
   */
  streamRequest<T>(path: string, traceContext: TraceContextCarrier | null | undefined, work: () => Promise<T>, failureOf?: (answer: T) => InBandStatus | undefined): Promise<T>;
}

/** Serves {@link CallContext.streamRequest}: binds a stream call's requests to the server's tracing and metrics. */
export type StreamRequestRunner = CallContext['streamRequest'];

/**
 * A cancellation this close to the deadline is the caller's deadline passing: the server's
 * deadline comes from the timeout header at receipt, so it lags the caller's own by the
 * header's transit and queueing (tens of ms on a busy host), and timers fire a little early.
 */
const DEADLINE_CLOCK_TOLERANCE_MS = 50;

/** Builds the context of one server call; `dispose` stops its deadline timer. */
export function createCallContext(
  call: ServerUnaryCall<unknown, unknown> | ServerDuplexStream<unknown, unknown>,
  logger: Logger,
  streamRequest: (streamPath: string) => StreamRequestRunner,
): { context: CallContext; dispose(): void } {
  const controller = new AbortController();
  const path = call.getPath();
  const deadline = call.getDeadline();
  const deadlineMs = deadline instanceof Date ? deadline.getTime() : deadline;
  const abortForDeadline = (): void => {
    if (!controller.signal.aborted) controller.abort(new DlrsError('DEADLINE_EXCEEDED', 'the caller\'s deadline passed'));
  };
  const onCancelled = (): void => {
    // grpc-js reports its own deadline expiry as a cancellation; tell the two apart by the clock.
    if (Date.now() >= deadlineMs - DEADLINE_CLOCK_TOLERANCE_MS) abortForDeadline();
    else if (!controller.signal.aborted) controller.abort(new DlrsError('CANCELLED', 'the caller cancelled the call'));
  };
  call.on('cancelled', onCancelled);
  // grpc-js answers DEADLINE_EXCEEDED itself but does not always tell the handler; this timer does.
  const timer = Number.isFinite(deadlineMs) ? setTimeout(abortForDeadline, Math.max(0, deadlineMs - Date.now())) : undefined;
  // The method's logger and the stream request runner are made on first use: most calls log
  // nothing, and only streams run stream requests.
  let methodLogger: Logger | undefined;
  let runner: StreamRequestRunner | undefined;
  const context: CallContext = {
    deadline,
    signal: controller.signal,
    metadata: call.metadata,
    path,
    get logger() {
      return (methodLogger ??= logger.child({ method: path }));
    },
    streamRequest(requestPath, traceContext, work, failureOf) {
      return (runner ??= streamRequest(path))(requestPath, traceContext, work, failureOf);
    },
  };
  return {
    context,
    dispose() {
      clearTimeout(timer);
      call.off('cancelled', onCancelled);
    },
  };
}
