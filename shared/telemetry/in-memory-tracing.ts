import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Logger } from '../logging/index.js';
import { startTelemetry } from './start-telemetry.js';
import type { Telemetry } from './start-telemetry.js';

/** Tracing into memory, for tests that assert on spans. */
export interface InMemoryTracing extends Telemetry {
  /** Spans ended so far (waits for exports in flight: the SDK exports after resource detection settles). */
  finishedSpans(): Promise<ReadableSpan[]>;
}

/** Starts telemetry with spans kept in memory (default sampler: parent-based, always on); shut it down after the test. */
export function startInMemoryTracing(options: { serviceName?: string; logger: Logger }): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor(exporter);
  const telemetry = startTelemetry({
    serviceName: options.serviceName ?? 'dlrs-test',
    logger: options.logger,
    spanProcessors: [processor],
  });
  return {
    finishedSpans: async () => {
      await processor.forceFlush();
      return exporter.getFinishedSpans();
    },
    shutdown: () => telemetry.shutdown(),
  };
}
