import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { status as grpcStatus } from '@grpc/grpc-js';
import { DlrsError } from '../errors/index.js';
import { createLogger } from '../logging/index.js';
import { startInMemoryTracing } from '../telemetry/index.js';
import type { InMemoryTracing } from '../telemetry/index.js';
import { traceStreamCall, traceStreamRequest } from './stream-request-tracing.js';
import type { TraceContextCarrier } from './stream-request-tracing.js';

describe('stream request tracing', () => {
  let tracing: InMemoryTracing;
  before(() => {
    tracing = startInMemoryTracing({ logger: createLogger({ level: 'silent' }) });
  });
  after(() => tracing.shutdown());

  it('carries the caller span’s context in the message: the serving span is the child of the client span', async () => {
    let carried: TraceContextCarrier = {};
    await trace.getTracer('test').startActiveSpan('stage', async (stage) => {
      await traceStreamCall(
        '/dlrs.v1.Ranking/Rank',
        'RankStream',
        async (traceContext) => {
          carried = traceContext;
          // The serving side runs outside the caller's context, as in another process.
          return traceStreamRequest('/dlrs.v1.Ranking/Rank', 'RankStream', traceContext, async () => ({ error: undefined }));
        },
        (answer) => answer.error,
      );
      stage.end();
    });
    assert.match(carried.traceparent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const spans = await tracing.finishedSpans();
    const stage = spans.find((s) => s.name === 'stage');
    const client = spans.find((s) => s.name === 'dlrs.v1.Ranking/Rank' && s.kind === SpanKind.CLIENT);
    const server = spans.find((s) => s.name === 'dlrs.v1.Ranking/Rank' && s.kind === SpanKind.SERVER);
    assert.equal(client?.parentSpanContext?.spanId, stage?.spanContext().spanId);
    assert.equal(server?.parentSpanContext?.spanId, client?.spanContext().spanId);
    assert.equal(server?.spanContext().traceId, stage?.spanContext().traceId);
    assert.equal(server?.attributes['dlrs.rpc.stream'], 'RankStream');
  });

  it('ends the spans with the failure: thrown on the server, in band on the client', async () => {
    const failure = { code: grpcStatus.INVALID_ARGUMENT, message: 'k: must be >= 1' };
    const answer = await traceStreamCall(
      '/dlrs.v1.Retrieval/Search',
      'SearchStream',
      async (traceContext) => {
        await assert.rejects(traceStreamRequest('/dlrs.v1.Retrieval/Search', 'SearchStream', traceContext, () => Promise.reject(new DlrsError('INVALID_ARGUMENT', 'must be >= 1', { field: 'k' }))));
        return { error: failure };
      },
      (response) => response.error,
    );
    assert.equal(answer.error, failure);
    const spans = (await tracing.finishedSpans()).filter((s) => s.name === 'dlrs.v1.Retrieval/Search');
    assert.equal(spans.length, 2);
    for (const span of spans) {
      assert.equal(span.attributes['rpc.grpc.status_code'], grpcStatus.INVALID_ARGUMENT);
      assert.equal(span.status.code, SpanStatusCode.ERROR);
    }
  });

  it('without a carried context, the serving span continues the active one', async () => {
    await trace.getTracer('test').startActiveSpan('stream', async (stream) => {
      await traceStreamRequest('/dlrs.v1.Ranking/EmbedUsers', 'RankStream', {}, async () => undefined);
      stream.end();
    });
    const spans = await tracing.finishedSpans();
    const served = spans.find((s) => s.name === 'dlrs.v1.Ranking/EmbedUsers');
    assert.equal(served?.parentSpanContext?.spanId, spans.find((s) => s.name === 'stream')?.spanContext().spanId);
  });
});
