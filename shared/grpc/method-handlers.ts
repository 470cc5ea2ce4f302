import type { CallContext } from './call-context.js';

/** A unary method written as a plain async function; what it throws becomes the call's status. */
export interface UnaryHandler<Req, Res> {
  readonly kind: 'unary';
  handle(request: Req, context: CallContext): Promise<Res>;
}

/** The sending side of a bidi stream. */
export interface StreamWriter<Res> {
  /** Sends one message; waits while the transport's buffer is full (backpressure). Throws CANCELLED once the call is gone. */
  write(message: Res): Promise<void>;
}

/**
 * A bidirectional-streaming method: reads requests from an async iterable (it
 * ends when the client half-closes or cancels) and writes responses. Returning
 * ends the stream with OK; throwing ends it with the mapped status.
 */
export interface BidiHandler<Req, Res> {
  readonly kind: 'bidi';
  handle(requests: AsyncIterable<Req>, writer: StreamWriter<Res>, context: CallContext): Promise<void>;
}

/** Any method handler dlrs servers accept. */
export type MethodHandler = UnaryHandler<never, unknown> | BidiHandler<never, unknown>;

/** The implementation of a service: method name (as in the .proto) to handler. */
export type ServiceImplementation = Readonly<Record<string, MethodHandler>>;

/** Wraps an async function as a unary method handler. */
export function unary<Req, Res>(handle: (request: Req, context: CallContext) => Promise<Res>): UnaryHandler<Req, Res> {
  return { kind: 'unary', handle };
}

/** Wraps an async function as a bidi-streaming method handler. */
export function bidi<Req, Res>(
  handle: (requests: AsyncIterable<Req>, writer: StreamWriter<Res>, context: CallContext) => Promise<void>,
): BidiHandler<Req, Res> {
  return { kind: 'bidi', handle };
}
