import { TraceFlags, trace } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';

/**
 * Whether a span started in `ctx` would record nothing: its span neither records nor carries
 * the sampled flag (an unsampled trace, or tracing off). Under the parent-based samplers dlrs
 * uses, its children are then unsampled too, so hot paths skip making them and keep `ctx`
 * (whose context still propagates the unsampled decision downstream). A context without a
 * span is not unsampled: a span started there is a root, which the sampler decides.
 */
export function isUnsampled(ctx: Context): boolean {
  const span = trace.getSpan(ctx);
  return span !== undefined && !span.isRecording() && (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0;
}
