import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { Context, Span, TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import { InterceptingCall, ListenerBuilder, RequesterBuilder, status as grpcStatus } from '@grpc/grpc-js';
import type { Interceptor, Metadata } from '@grpc/grpc-js';
import { isUnsampled } from '../telemetry/index.js';

/** Tracer name of the dlrs gRPC spans. */
export const TRACER_NAME = 'dlrs-grpc';

const metadataGetter: TextMapGetter<Metadata> = {
  keys: (carrier) => Object.keys(carrier.getMap()),
  get: (carrier, key) => {
    const values = carrier.get(key).filter((value): value is string => typeof value === 'string');
    return values.length === 0 ? undefined : values;
  },
};

const metadataSetter: TextMapSetter<Metadata> = {
  set: (carrier, key, value) => carrier.set(key, value),
};

/** Span names and attributes by method path: a process calls and serves a handful of methods. */
const rpcNames = new Map<string, { name: string; attributes: Readonly<Record<string, string>> }>();

/** `/dlrs.v1.Ranking/Rank` → span name `dlrs.v1.Ranking/Rank` and the rpc.* attributes (shared: do not modify them). */
export function rpcAttributes(path: string): { name: string; attributes: Readonly<Record<string, string>> } {
  let found = rpcNames.get(path);
  if (found === undefined) {
    const name = path.replace(/^\//, '');
    const [service, method] = name.split('/');
    found = { name, attributes: Object.freeze({ 'rpc.system': 'grpc', 'rpc.service': service ?? '', 'rpc.method': method ?? '' }) };
    rpcNames.set(path, found);
  }
  return found;
}

/** Ends a span with the gRPC status of its call. */
export function endRpcSpan(span: Span, code: number, message?: string): void {
  span.setAttribute('rpc.grpc.status_code', code);
  if (code !== grpcStatus.OK) span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.end();
}

/**
 * Starts the server span of a call, child of the W3C trace context in the
 * request metadata; run the handler in the returned context. No span when the caller's
 * trace is unsampled (the context then carries that decision on).
 */
export function startServerSpan(path: string, metadata: Metadata): { span: Span | undefined; context: Context } {
  const parent = propagation.extract(context.active(), metadata, metadataGetter);
  if (isUnsampled(parent)) return { span: undefined, context: parent };
  const { name, attributes } = rpcAttributes(path);
  const span = trace.getTracer(TRACER_NAME).startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/**
 * Client interceptor: one client span per call, its W3C trace context injected
 * into the request metadata, ended with the call's status.
 */
export const traceClientInterceptor: Interceptor = (options, nextCall) => {
  const { name, attributes } = rpcAttributes(options.method_definition.path);
  const span = trace.getTracer(TRACER_NAME).startSpan(name, { kind: SpanKind.CLIENT, attributes });
  const spanContext = trace.setSpan(context.active(), span);
  const requester = new RequesterBuilder()
    .withStart((metadata, _listener, next) => {
      propagation.inject(spanContext, metadata, metadataSetter);
      const tracingListener = new ListenerBuilder()
        .withOnReceiveStatus((status, nextStatus) => {
          endRpcSpan(span, status.code, status.details);
          nextStatus(status);
        })
        .build();
      next(metadata, tracingListener);
    })
    .build();
  return new InterceptingCall(nextCall(options), requester);
};
