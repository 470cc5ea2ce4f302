import assert from 'node:assert/strict';
import { trace } from '@opentelemetry/api';
import { startInMemoryTracing } from '../telemetry/index.js';
import { createLogger, createMemorySink } from './index.js';

describe('createLogger', () => {
  it('writes JSON lines with level names and component bindings', () => {
    const sink = createMemorySink();
    const logger = createLogger({ level: 'debug', destination: sink }).child({ component: 'test' });
    logger.debug({ rows: 3 }, 'batch done');
    const [line] = sink.find('batch done');
    assert.equal(line.level, 'debug');
    assert.equal(line.component, 'test');
    assert.equal(line.rows, 3);
    assert.equal(typeof line.time, 'string');
    assert.equal(line.trace_id, undefined);
  });

  it('respects the level', () => {
    const sink = createMemorySink();
    createLogger({ level: 'warn', destination: sink }).info('hidden');
    assert.deepEqual(sink.lines(), []);
  });

  it('adds trace_id and span_id from the active OpenTelemetry span', async () => {
    const sink = createMemorySink();
    const logger = createLogger({ destination: sink });
    const tracing = startInMemoryTracing({ logger: createLogger({ level: 'silent' }) });
    try {
      trace.getTracer('test').startActiveSpan('work', (span) => {
        logger.info('inside');
        span.end();
      });
      const [span] = await tracing.finishedSpans();
      const [line] = sink.find('inside');
      assert.equal(line.trace_id, span.spanContext().traceId);
      assert.equal(line.span_id, span.spanContext().spanId);
    } finally {
      await tracing.shutdown();
    }
  });
});
