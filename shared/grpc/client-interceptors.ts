import { InterceptingCall } from '@grpc/grpc-js';
import type { Interceptor } from '@grpc/grpc-js';

/**
 * Gives every unary call without a deadline one `defaultDeadlineMs` from now.
 * Streams are left alone: the long-lived streams between tiers must outlive any fixed deadline.
 */
export function defaultDeadlineInterceptor(defaultDeadlineMs: number): Interceptor {
  return (options, nextCall) => {
    const { requestStream, responseStream } = options.method_definition;
    const hasDeadline = options.deadline !== undefined && options.deadline !== Infinity;
    const withDeadline = hasDeadline || requestStream || responseStream ? options : { ...options, deadline: Date.now() + defaultDeadlineMs };
    return new InterceptingCall(nextCall(withDeadline));
  };
}

/**
 * Sends `authorization: Bearer <token>` on every call, or only on calls of `methods` (names as
 * in the .proto) so that a credential meant for admin methods does not travel with every request.
 */
export function bearerTokenInterceptor(token: string, methods?: readonly string[]): Interceptor {
  return (options, nextCall) => {
    const method = options.method_definition.path.slice(options.method_definition.path.lastIndexOf('/') + 1);
    if (methods !== undefined && !methods.includes(method)) return new InterceptingCall(nextCall(options));
    return new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set('authorization', `Bearer ${token}`);
        next(metadata, listener);
      },
    });
  };
}
