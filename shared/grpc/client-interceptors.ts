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
