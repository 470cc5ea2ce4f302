import { ROOT_CONTEXT, SpanKind, context, propagation, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { status as grpcStatus } from '@grpc/grpc-js';
import { DlrsError, GRPC_STATUS_BY_CODE } from '../errors/index.js';
import { isUnsampled } from '../telemetry/index.js';
import { TRACER_NAME, endRpcSpan, rpcAttributes } from './grpc-tracing.js';

/**
 * A request's W3C trace context as it travels inside a stream message (the proto's
 * `map<string, string> trace_context`): `traceparent` and `tracestate`, as in the HTTP headers.
 */
export type TraceContextCarrier = Record<string, string>;

/** A failure a stream carries inside its answer message instead of the call's status. */
export interface InBandStatus {
  /** The gRPC status code; UNKNOWN when absent. */
  code?: number;
  message?: string;
}

/** Attribute naming the long-lived stream a request travelled on. */
const STREAM_ATTRIBUTE = 'dlrs.rpc.stream';

/**
 * The client side of one request on a long-lived stream: a client span named like the unary
 * method (`path`, e.g. `/dlrs.v1.Ranking/Rank`), its context handed to `send` to be put into
 * the request message, ended with the outcome (a rejection, or the in-band error `failureOf`
 * finds in the answer). The stream's metadata carries only the context of the call that opened
 * it, so without this a trace stops at the caller.
 */
export function traceStreamCall<T>(path: string, stream: string, send: (traceContext: TraceContextCarrier) => Promise<T>, failureOf: (answer: T) => InBandStatus | undefined): Promise<T> {
  const active = context.active();
  if (isUnsampled(active)) return send(unsampledCarrier(active));
  const { name, attributes } = rpcAttributes(path);
  const span = trace.getTracer(TRACER_NAME).startSpan(name, { kind: SpanKind.CLIENT, attributes: { ...attributes, [STREAM_ATTRIBUTE]: stream } });
  const carrier: TraceContextCarrier = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  return settleSpan(span, () => send(carrier), failureOf);
}

/**
 * The server side of one request on a long-lived stream: `work` runs in a server span that
 * is the child of the context the request carries (of the stream's own span when it carries
 * none), named like the unary method, ended with the outcome.
 */
export async function traceStreamRequest<T>(
  path: string,
  stream: string,
  traceContext: TraceContextCarrier | null | undefined,
  work: () => Promise<T>,
  failureOf: (answer: T) => InBandStatus | undefined = () => undefined,
): Promise<T> {
  const carried = traceContext !== null && traceContext !== undefined && Object.keys(traceContext).length > 0;
  const parent = carried ? propagation.extract(ROOT_CONTEXT, traceContext) : context.active();
  if (isUnsampled(parent)) return context.with(parent, work);
  const { name, attributes } = rpcAttributes(path);
  const spanAttributes: Attributes = { ...attributes, [STREAM_ATTRIBUTE]: stream };
  const span = trace.getTracer(TRACER_NAME).startSpan(name, { kind: SpanKind.SERVER, attributes: spanAttributes }, parent);
  return context.with(trace.setSpan(parent, span), () => settleSpan(span, work, failureOf));
}

/**
 * The carried context of an unsampled trace, made once per context: a request's calls on
 * several streams share it (frozen, as several request messages hold it).
 */
const unsampledCarriers = new WeakMap<Context, TraceContextCarrier>();

function unsampledCarrier(ctx: Context): TraceContextCarrier {
  let carrier = unsampledCarriers.get(ctx);
  if (carrier === undefined) {
    carrier = {};
    propagation.inject(ctx, carrier);
    unsampledCarriers.set(ctx, Object.freeze(carrier));
  }
  return carrier;
}

async function settleSpan<T>(span: Span, work: () => Promise<T>, failureOf: (answer: T) => InBandStatus | undefined): Promise<T> {
  let answer: T;
  try {
    answer = await work();
  } catch (error) {
    const dlrs = DlrsError.from(error);
    endRpcSpan(span, GRPC_STATUS_BY_CODE[dlrs.code], dlrs.message);
    throw error;
  }
  const failure = failureOf(answer);
  if (failure === undefined) endRpcSpan(span, grpcStatus.OK);
  else endRpcSpan(span, failure.code ?? grpcStatus.UNKNOWN, failure.message);
  return answer;
}
