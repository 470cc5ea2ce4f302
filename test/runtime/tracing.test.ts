import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { callUnary, createGrpcClient } from '../../shared/grpc/index.js';
import { createLogger } from '../../shared/logging/index.js';
import { startInMemoryTracing } from '../../shared/telemetry/index.js';
import type { InMemoryTracing } from '../../shared/telemetry/index.js';
import { echoClientConstructor, startEchoServer } from '../fixtures/echo-service.js';
import type { EchoClient, EchoServerHandle, SayResponse } from '../fixtures/echo-service.js';

describe('tracing across a gRPC call', () => {
  let tracing: InMemoryTracing;
  let handle: EchoServerHandle;
  let client: EchoClient;
  before(async () => {
    tracing = startInMemoryTracing({ logger: createLogger({ level: 'silent' }) });
    handle = await startEchoServer();
    client = createGrpcClient(echoClientConstructor(handle.packageDefinition), { addresses: handle.address });
  });
  after(async () => {
    client.close();
    await handle.server.shutdown('test done');
    await tracing.shutdown();
  });

  it('makes the server span a child of the client span in one trace', async () => {
    await callUnary<SayResponse>((md, options, cb) => client.Say({ text: 'traced' }, md, options, cb));
    const spans = (await tracing.finishedSpans()).filter((span) => span.name === 'dlrs.testing.v1.Echo/Say');
    const clientSpan = spans.find((span) => span.kind === SpanKind.CLIENT);
    const serverSpan = spans.find((span) => span.kind === SpanKind.SERVER);
    assert.ok(clientSpan && serverSpan, `spans: ${spans.map((span) => `${span.name}/${span.kind}`).join(', ')}`);
    assert.equal(serverSpan.spanContext().traceId, clientSpan.spanContext().traceId);
    assert.equal(serverSpan.parentSpanContext?.spanId, clientSpan.spanContext().spanId);
    assert.equal(serverSpan.attributes['rpc.service'], 'dlrs.testing.v1.Echo');
    assert.equal(serverSpan.attributes['rpc.grpc.status_code'], 0);
  });

  it('marks failed calls and puts the trace id on the handler log lines', async () => {
    await callUnary((md, options, cb) => client.Fail({ code: 'NOT_FOUND', message: 'no such item' }, md, options, cb)).catch(() => undefined);
    const serverSpan = (await tracing.finishedSpans()).find((span) => span.name === 'dlrs.testing.v1.Echo/Fail' && span.kind === SpanKind.SERVER);
    assert.ok(serverSpan);
    assert.equal(serverSpan.status.code, SpanStatusCode.ERROR);
    assert.equal(serverSpan.attributes['rpc.grpc.status_code'], 5);
    const [line] = handle.logs.find('handler rejected the call');
    assert.equal(line.trace_id, serverSpan.spanContext().traceId);
  });
});
