// The tracing settings the benchmarks compare: off (no exporter), or a share of requests sampled.
import { otlpEnv } from '../../test/fixtures/otlp-receiver.js';

/** Larger than the SDK's default 2048 so that a burst at high concurrency is not dropped before export. */
const BSP_MAX_QUEUE_SIZE = '16384';

/** A tracing setting: off (no exporter) or the share of requests sampled, in percent. */
export type Tracing = 'off' | number;

/** Parses a list such as `100,1,0,off`. */
export function parseTracing(list: string): Tracing[] {
  return list.split(',').map((entry) => {
    if (entry === 'off') return 'off';
    const percent = Number(entry);
    if (!(percent >= 0 && percent <= 100)) throw new Error(`--tracing ${list}: expected percentages 0..100 or off`);
    return percent;
  });
}

/** Export to the receiver, sampling the given share of the requests that arrive untraced (the load client sends no trace context). */
export function tracingEnv(tracing: Tracing, endpoint: string): Record<string, string> {
  if (tracing === 'off') return {};
  return { ...otlpEnv(endpoint), OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: String(tracing / 100), OTEL_BSP_MAX_QUEUE_SIZE: BSP_MAX_QUEUE_SIZE };
}

/** `off` or `N %`. */
export function tracingName(tracing: Tracing): string {
  return tracing === 'off' ? 'off' : `${tracing} %`;
}
