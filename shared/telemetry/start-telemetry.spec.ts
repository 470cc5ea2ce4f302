import assert from 'node:assert/strict';
import { trace } from '@opentelemetry/api';
import { createLogger, createMemorySink } from '../logging/index.js';
import { startInMemoryTracing, startTelemetry } from './index.js';

describe('startTelemetry', () => {
  it('warns about a bad sampler setting, keeps tracing, and shuts down twice', async () => {
    const sink = createMemorySink();
    const previous = process.env.OTEL_TRACES_SAMPLER;
    // The OpenTelemetry SDK reads its OTEL_* variables from the process environment itself.
    process.env.OTEL_TRACES_SAMPLER = 'sometimes';
    try {
      const tracing = startInMemoryTracing({ logger: createLogger({ destination: sink }) });
      trace.getTracer('test').startSpan('still traced').end();
      assert.equal((await tracing.finishedSpans()).length, 1);
      await tracing.shutdown();
      await tracing.shutdown();
      assert.ok(sink.find(/OTEL_TRACES_SAMPLER/).length > 0, JSON.stringify(sink.lines()));
    } finally {
      if (previous === undefined) delete process.env.OTEL_TRACES_SAMPLER;
      else process.env.OTEL_TRACES_SAMPLER = previous;
    }
  });

  it('exports nothing and records no spans unless an exporter is configured', async () => {
    const telemetry = startTelemetry({ serviceName: 'quiet', logger: createLogger({ level: 'silent' }), env: {} });
    try {
      const span = trace.getTracer('test').startSpan('dropped');
      assert.equal(span.isRecording(), false);
      span.end();
    } finally {
      await telemetry.shutdown();
    }
  });
});
