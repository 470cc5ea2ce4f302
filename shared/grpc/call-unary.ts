import { Metadata } from '@grpc/grpc-js';
import type { CallOptions, ClientUnaryCall, ServiceError } from '@grpc/grpc-js';
import { DlrsError } from '../errors/index.js';
import type { CancelSignal } from './cancel-signal.js';

/** Options of {@link callUnary}. */
export interface UnaryCallOptions {
  /** Cancels the call when aborted (e.g. the handler's own `context.signal`). */
  signal?: CancelSignal;
  /** Absolute deadline; pass the handler's `context.deadline` to propagate it. The client default applies when absent. */
  deadline?: Date | number;
  metadata?: Metadata;
}

/** A generated client method bound to its arguments except metadata, options and callback. */
export type UnaryInvoker<Res> = (
  metadata: Metadata,
  options: CallOptions,
  callback: (error: ServiceError | null, response?: Res) => void,
) => ClientUnaryCall;

/**
 * Runs a unary call as a promise: cancelled when `signal` aborts, rejected with
 * a DlrsError (DlrsError.fromGrpc) on failure.
 * Example: `await callUnary<SayResponse>((md, opts, cb) => client.Say(request, md, opts, cb), { signal: ctx.signal, deadline: ctx.deadline })`.
 */
export function callUnary<Res>(invoke: UnaryInvoker<Res>, options: UnaryCallOptions = {}): Promise<Res> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(new DlrsError('CANCELLED', 'the call was cancelled before it started'));
  return new Promise<Res>((resolve, reject) => {
    const callOptions: CallOptions = options.deadline === undefined ? {} : { deadline: options.deadline };
    const call = invoke(options.metadata ?? new Metadata(), callOptions, (error, response) => {
      signal?.removeEventListener('abort', cancel);
      if (error !== null) reject(DlrsError.fromGrpc(error));
      else if (response === undefined) reject(new DlrsError('INTERNAL', 'the server sent no response'));
      else resolve(response);
    });
    function cancel(): void {
      call.cancel();
    }
    signal?.addEventListener('abort', cancel, { once: true });
  });
}
