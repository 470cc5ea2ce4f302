import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { context as otelContext } from '@opentelemetry/api';
import { status as grpcStatus } from '@grpc/grpc-js';
import type { Metadata, ServerDuplexStream, ServerUnaryCall, UntypedHandleCall, handleBidiStreamingCall, handleUnaryCall } from '@grpc/grpc-js';
import { DlrsError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import type { RpcKind, RpcMetrics } from '../metrics/index.js';
import { createCallContext } from './call-context.js';
import { callStatusOf } from './call-status.js';
import type { CallContext, StreamRequestRunner } from './call-context.js';
import { endRpcSpan, startServerSpan } from './grpc-tracing.js';
import type { BidiHandler, MethodHandler, StreamWriter, UnaryHandler } from './method-handlers.js';
import { traceStreamRequest } from './stream-request-tracing.js';
import { streamRequests } from './stream-requests.js';

/** What a bound handler needs from its server. */
export interface HandlerDeps {
  logger: Logger;
  rpcMetrics: RpcMetrics;
}

/** How a call ends, for the client, the logs, the metrics and the span. */
interface Outcome {
  code: number;
  details: string;
  metadata?: Metadata;
  /** The unary response, when code is OK. */
  response?: unknown;
}

const OK_OUTCOME: Outcome = { code: grpcStatus.OK, details: 'OK' };

/**
 * Maps what a handler threw to a status, exactly once. An unexpected error is
 * logged with its cause and reaches the client as a generic INTERNAL.
 */
function outcomeOfError(thrown: unknown, context: CallContext): Outcome {
  const error = DlrsError.from(thrown);
  if (error.code === 'INTERNAL') {
    context.logger.error({ err: error.cause ?? error }, 'handler failed unexpectedly');
  } else {
    context.logger.debug({ code: error.code, field: error.field, sent: error.message }, 'handler rejected the call');
  }
  return callStatusOf(error);
}

/** How a call the client already left ended: the abort reason says why. */
function abortedOutcome(signal: AbortSignal): Outcome {
  const reason: unknown = signal.reason;
  const code = reason instanceof DlrsError && reason.code === 'DEADLINE_EXCEEDED' ? grpcStatus.DEADLINE_EXCEEDED : grpcStatus.CANCELLED;
  return { code, details: reason instanceof Error ? reason.message : 'cancelled' };
}

/**
 * Runs one call: the handler inside the server span's context, its outcome
 * answered once (never to a client that already left, whom grpc-js has answered),
 * then the span ended and the metrics recorded.
 */
function runCall(
  call: ServerUnaryCall<unknown, unknown> | ServerDuplexStream<unknown, unknown>,
  deps: HandlerDeps,
  kind: RpcKind,
  work: (context: CallContext) => Promise<Outcome>,
  answer: (outcome: Outcome) => void,
): void {
  const startedMs = performance.now();
  const { context, dispose } = createCallContext(call, deps.logger, (streamPath) => streamRequestRunner(streamPath, deps));
  const { span, context: spanContext } = startServerSpan(context.path, call.metadata);
  const complete = (outcome: Outcome): void => {
    dispose();
    const final = context.signal.aborted ? abortedOutcome(context.signal) : outcome;
    if (!context.signal.aborted) answer(outcome);
    if (span !== undefined) endRpcSpan(span, final.code, final.details);
    recordRpc(deps, context.path, grpcStatus[final.code] ?? String(final.code), kind, startedMs);
  };
  const completeSafely = (outcomeOf: () => Outcome): void => {
    try {
      complete(outcomeOf());
    } catch (error) {
      context.logger.error({ err: error }, 'failed to answer the call');
    }
  };
  // Completing inside the span's context keeps the trace id on the log lines it writes.
  otelContext.with(spanContext, () => {
    let working: Promise<Outcome>;
    try {
      working = work(context);
    } catch (error) {
      completeSafely(() => outcomeOfError(error, context));
      return;
    }
    working.then(
      (outcome) => completeSafely(() => outcome),
      (error: unknown) => completeSafely(() => outcomeOfError(error, context)),
    );
  });
}

function recordRpc(deps: HandlerDeps, path: string, code: string, kind: RpcKind, startedMs: number): void {
  deps.rpcMetrics.record(path, code, kind, (performance.now() - startedMs) / 1000);
}

/** One request of the stream `streamPath`: traced and recorded like a call of its unary method. */
function streamRequestRunner(streamPath: string, deps: HandlerDeps): StreamRequestRunner {
  const stream = streamPath.slice(streamPath.lastIndexOf('/') + 1);
  return async (path, traceContext, work, failureOf = () => undefined) => {
    const startedMs = performance.now();
    let code = 'OK';
    try {
      const answer = await traceStreamRequest(path, stream, traceContext, work, failureOf);
      const failure = failureOf(answer);
      if (failure !== undefined) code = grpcStatus[failure.code ?? grpcStatus.UNKNOWN] ?? String(failure.code);
      return answer;
    } catch (error) {
      code = DlrsError.from(error).code;
      throw error;
    } finally {
      recordRpc(deps, path, code, 'stream_request', startedMs);
    }
  };
}

function bindUnary(handler: UnaryHandler<never, unknown>, deps: HandlerDeps): handleUnaryCall<unknown, unknown> {
  return (call, callback) =>
    runCall(
      call,
      deps,
      'unary',
      // proto-loader decoded the request with the method's own type, which the handler declares.
      (context) => handler.handle(call.request as never, context).then((response): Outcome => ({ code: OK_OUTCOME.code, details: OK_OUTCOME.details, response })),
      (outcome) =>
        outcome.code === grpcStatus.OK
          ? callback(null, outcome.response)
          : callback({ code: outcome.code, details: outcome.details, metadata: outcome.metadata }),
    );
}

function bindBidi(handler: BidiHandler<never, unknown>, deps: HandlerDeps): handleBidiStreamingCall<unknown, unknown> {
  return (call) =>
    runCall(
      call,
      deps,
      'bidi',
      async (context) => {
        // Writers blocked at once share one wait: a wait each would add listeners per request in flight.
        let drained: Promise<unknown> | undefined;
        const writer: StreamWriter<unknown> = {
          async write(message) {
            if (context.signal.aborted) throw context.signal.reason;
            if (call.write(message)) return;
            drained ??= once(call, 'drain', { signal: context.signal }).finally(() => {
              drained = undefined;
            });
            try {
              await drained;
            } catch {
              throw context.signal.reason;
            }
          },
        };
        await handler.handle(streamRequests<never>(call, context.signal), writer, context);
        return OK_OUTCOME;
      },
      // grpc-js turns an 'error' event on a server stream into the call's status.
      (outcome) =>
        outcome.code === grpcStatus.OK
          ? call.end()
          : call.emit('error', { code: outcome.code, details: outcome.details, metadata: outcome.metadata }),
    );
}

/** Turns a dlrs method handler into a grpc-js handler with status mapping, span, metrics and logging. */
export function bindHandler(handler: MethodHandler, deps: HandlerDeps): UntypedHandleCall {
  return handler.kind === 'unary' ? bindUnary(handler, deps) : bindBidi(handler, deps);
}
