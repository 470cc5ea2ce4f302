import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { context as otelContext } from '@opentelemetry/api';
import { Metadata, status as grpcStatus } from '@grpc/grpc-js';
import type { ServerDuplexStream, ServerUnaryCall, UntypedHandleCall, handleBidiStreamingCall, handleUnaryCall } from '@grpc/grpc-js';
import { DlrsError, toGrpcStatus } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import type { RpcMetrics } from '../metrics/index.js';
import { createCallContext } from './call-context.js';
import type { CallContext } from './call-context.js';
import { endRpcSpan, startServerSpan } from './grpc-tracing.js';
import type { BidiHandler, MethodHandler, StreamWriter, UnaryHandler } from './method-handlers.js';
import { streamRequests } from './stream-requests.js';

/** What a bound handler needs from its server. */
export interface HandlerDeps {
  logger: Logger;
  rpcMetrics: RpcMetrics;
}

/** The outcome of a call as the client sees it, for logs, metrics and the span. */
interface Outcome {
  code: number;
  details: string;
  metadata?: Metadata;
}

/**
 * Maps what a handler threw to a status, exactly once. An unexpected error is
 * logged with its cause and reaches the client as a generic INTERNAL.
 */
function statusOf(thrown: unknown, context: CallContext): Outcome {
  const error = DlrsError.from(thrown);
  if (error.code === 'INTERNAL') {
    context.logger.error({ err: error.cause ?? error }, 'handler failed unexpectedly');
  } else {
    context.logger.debug({ code: error.code, field: error.field, msg_sent: error.message }, 'handler rejected the call');
  }
  const mapped = toGrpcStatus(error);
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(mapped.trailers)) metadata.set(key, value);
  return { code: mapped.code, details: mapped.details, metadata };
}

/** The status of a call the client already left: the abort reason says why. */
function abortedOutcome(signal: AbortSignal): Outcome {
  const reason: unknown = signal.reason;
  const code = reason instanceof DlrsError && reason.code === 'DEADLINE_EXCEEDED' ? grpcStatus.DEADLINE_EXCEEDED : grpcStatus.CANCELLED;
  return { code, details: reason instanceof Error ? reason.message : 'cancelled' };
}

function finish(deps: HandlerDeps, kind: 'unary' | 'bidi', context: CallContext, startedMs: number, outcome: Outcome): void {
  deps.rpcMetrics.record(
    { method: context.path.replace(/^\//, ''), code: grpcStatus[outcome.code] ?? String(outcome.code), kind },
    (performance.now() - startedMs) / 1000,
  );
}

function bindUnary(handler: UnaryHandler<never, unknown>, deps: HandlerDeps): handleUnaryCall<unknown, unknown> {
  return (call: ServerUnaryCall<unknown, unknown>, callback) => {
    const startedMs = performance.now();
    const { context, dispose } = createCallContext(call, deps.logger);
    const { span, context: spanContext } = startServerSpan(context.path, call.metadata);
    const settle = (outcome: Outcome, response?: unknown): void => {
      dispose();
      // A call the client left is already answered by grpc-js; answering again would be ignored at best.
      const final = context.signal.aborted ? abortedOutcome(context.signal) : outcome;
      if (!context.signal.aborted) {
        if (outcome.code === grpcStatus.OK) callback(null, response);
        else callback({ code: outcome.code, details: outcome.details, metadata: outcome.metadata });
      }
      endRpcSpan(span, final.code, final.details);
      finish(deps, 'unary', context, startedMs, final);
    };
    // Settling inside the span's context keeps the trace id on the log lines it writes.
    void otelContext.with(spanContext, () =>
      // proto-loader decoded the request with the method's own type, which the handler declares.
      handler
        .handle(call.request as never, context)
        .then(
          (response) => settle({ code: grpcStatus.OK, details: 'OK' }, response),
          (error: unknown) => settle(statusOf(error, context)),
        )
        .catch((error: unknown) => context.logger.error({ err: error }, 'failed to answer the call')),
    );
  };
}

function bindBidi(handler: BidiHandler<never, unknown>, deps: HandlerDeps): handleBidiStreamingCall<unknown, unknown> {
  return (call: ServerDuplexStream<unknown, unknown>) => {
    const startedMs = performance.now();
    const { context, dispose } = createCallContext(call, deps.logger);
    const { span, context: spanContext } = startServerSpan(context.path, call.metadata);
    const writer: StreamWriter<unknown> = {
      async write(message) {
        if (context.signal.aborted) throw context.signal.reason;
        if (!call.write(message)) {
          try {
            await once(call, 'drain', { signal: context.signal });
          } catch {
            throw context.signal.reason;
          }
        }
      },
    };
    const settle = (outcome: Outcome): void => {
      dispose();
      const final = context.signal.aborted ? abortedOutcome(context.signal) : outcome;
      if (!context.signal.aborted) {
        // grpc-js turns an 'error' event on a server stream into the call's status.
        if (outcome.code === grpcStatus.OK) call.end();
        else call.emit('error', { code: outcome.code, details: outcome.details, metadata: outcome.metadata });
      }
      endRpcSpan(span, final.code, final.details);
      finish(deps, 'bidi', context, startedMs, final);
    };
    void otelContext.with(spanContext, () =>
      handler
        .handle(streamRequests<never>(call, context.signal), writer, context)
        .then(
          () => settle({ code: grpcStatus.OK, details: 'OK' }),
          (error: unknown) => settle(statusOf(error, context)),
        )
        .catch((error: unknown) => context.logger.error({ err: error }, 'failed to answer the call')),
    );
  };
}

/** Turns a dlrs method handler into a grpc-js handler with status mapping, span, metrics and logging. */
export function bindHandler(handler: MethodHandler, deps: HandlerDeps): UntypedHandleCall {
  return handler.kind === 'unary' ? bindUnary(handler, deps) : bindBidi(handler, deps);
}
