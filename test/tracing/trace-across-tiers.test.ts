import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { credentials } from '@grpc/grpc-js';
import { readBundle } from '../../shared/bundle/index.js';
import type { ModelBundle } from '../../shared/bundle/index.js';
import { OWN_CONNECTION, bearerTokenInterceptor, callUnary } from '../../shared/grpc/index.js';
import type { RecommenderClient } from '../../shared/generated/dlrs/v1/Recommender.js';
import type { RecommendResponse__Output } from '../../shared/generated/dlrs/v1/RecommendResponse.js';
import type { RecommendStreamResponse__Output } from '../../shared/generated/dlrs/v1/RecommendStreamResponse.js';
import { loadProtos } from '../../shared/proto/index.js';
import { runTrain } from '../../services/trainer/train-command.js';
import { otlpEnv, startOtlpReceiver } from '../fixtures/otlp-receiver.js';
import type { OtlpReceiver, ReceivedSpan } from '../fixtures/otlp-receiver.js';
import { startTopology } from '../fixtures/serve-topology.js';
import type { Topology } from '../fixtures/serve-topology.js';

const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;
/** Spans are exported in batches every 100 ms (OTEL_BSP_SCHEDULE_DELAY); a trace is complete well within this. */
const TRACE_WAIT_MS = 15_000;

/** The tier calls of one Recommend: the gateway stage, the method, the service that serves it. */
const TIER_CALLS = [
  { stage: 'gateway embed users', method: 'dlrs.v1.Ranking/EmbedUsers', service: 'dlrs-ranking' },
  { stage: 'gateway search shard 0', method: 'dlrs.v1.Retrieval/Search', service: 'dlrs-retrieval' },
  { stage: 'gateway rank', method: 'dlrs.v1.Ranking/Rank', service: 'dlrs-ranking' },
] as const;

describe('one trace across gateway, ranking and retrieval, each its own `dlrs serve` process', function () {
  this.timeout(120_000);
  let root: string;
  let bundleDir: string;
  let bundle: ModelBundle;
  let receiver: OtlpReceiver;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'dlrs-trace-'));
    bundleDir = join(root, 'bundle');
    assert.equal(await runTrain(['--data', 'synthetic:tiny', '--out', bundleDir, '--epochs', '1', '--dim', '16', '--seed', '5', '--workers', '1']), 0);
    bundle = await readBundle(bundleDir);
    receiver = await startOtlpReceiver();
  });

  after(async () => {
    await receiver?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  for (const useStreams of [true, false]) {
    describe(useStreams ? 'over the long-lived RankStream/SearchStream' : 'over unary calls (DLRS_USE_STREAMS=false)', () => {
      let topology: Topology;
      let client: RecommenderClient;

      before(async () => {
        topology = await startTopology({
          bundleDir,
          dataDir: join(root, useStreams ? 'streams' : 'unary'),
          shards: 1,
          env: { ...otlpEnv(receiver.endpoint), DLRS_LOG_LEVEL: 'info' },
          rankingEnv: { DLRS_WORKERS: '1' },
          gatewayEnv: { DLRS_USE_STREAMS: String(useStreams), DLRS_DEFAULT_TIMEOUT_MS: '10000' },
        });
        client = new (loadProtos().grpcObject.dlrs.v1.Recommender)(topology.gatewayAddress, credentials.createInsecure(), { ...OWN_CONNECTION, interceptors: [bearerTokenInterceptor(topology.apiToken)] });
      });

      after(async () => {
        client?.close();
        await topology?.stop();
      });

      it('gives a Recommend one trace: Recommend → stage spans → tier client spans → the tiers’ server spans, the batch linked', async () => {
        // Two requests: the first may open the streams; the second must be traced all the same.
        for (const requestId of ['warm-up', 'traced']) {
          const response = await callUnary<RecommendResponse__Output>(
            (md, o, cb) => client.Recommend({ requestId, context: { interactions: bundle.items.slice(0, 3).map((item) => ({ itemId: item.id, eventType: 'view' })) }, k: 5, candidates: 20 }, md, o, cb),
            { deadline: Date.now() + 10_000 },
          );
          assert.equal(response.degraded, false, response.degradedDetail);
          assert.equal(response.items.length, 5);
        }
        const { traces, all } = await waitForTraces(receiver, 2);
        for (const spans of traces) assertTraceShape(spans, useStreams, all, '');
      });

      it('puts each request of a RecommendStream into the trace its trace_context names', async () => {
        const callers = ['a', 'b'].map((tag) => ({ tag, traceId: tag.repeat(32), spanId: tag.repeat(16) }));
        const stream = client.RecommendStream();
        const answers: RecommendStreamResponse__Output[] = [];
        const done = new Promise<void>((resolve, reject) => {
          stream.on('data', (message: RecommendStreamResponse__Output) => answers.push(message));
          stream.on('end', resolve);
          stream.on('error', reject);
        });
        for (const caller of callers) {
          const interactions = bundle.items.slice(3, 6).map((item) => ({ itemId: item.id, eventType: 'view' }));
          stream.write({ requestId: caller.tag, context: { interactions }, k: 3, candidates: 20, traceContext: { traceparent: `00-${caller.traceId}-${caller.spanId}-01` } });
        }
        stream.end();
        await done;
        assert.deepEqual(answers.map((a) => a.response?.items.length), [3, 3]);
        const { traces, all } = await waitForTraces(receiver, 2);
        for (const caller of callers) {
          const spans = traces.find((trace) => trace[0].traceId === caller.traceId);
          assert.ok(spans, `a trace ${caller.traceId}`);
          assertTraceShape(spans, useStreams, all, caller.spanId);
        }
      });
    });
  }
});

/** The batch span (a trace of its own) is exported once the batch has ended, maybe after the request's spans. */
function batchExported(trace: readonly ReceivedSpan[], all: readonly ReceivedSpan[]): boolean {
  const batchId = trace.find((s) => s.name === 'dlrs.v1.Ranking/Rank' && s.kind === SPAN_KIND_SERVER)?.attributes['dlrs.batch_id'];
  return all.some((s) => s.spanId === batchId);
}

/**
 * Waits until `count` Recommend traces have all their tier server spans and their batch span;
 * returns each trace's spans and every span received.
 */
async function waitForTraces(receiver: OtlpReceiver, count: number): Promise<{ traces: ReceivedSpan[][]; all: ReceivedSpan[] }> {
  const stopAtMs = Date.now() + TRACE_WAIT_MS;
  for (;;) {
    const roots = receiver.spans.filter((s) => s.name === 'dlrs.v1.Recommender/Recommend' && s.kind === SPAN_KIND_SERVER);
    const traces = roots.map((r) => receiver.spans.filter((s) => s.traceId === r.traceId));
    const complete = traces.filter((spans) => TIER_CALLS.every((call) => spans.some((s) => s.name === call.method && s.kind === SPAN_KIND_SERVER)) && batchExported(spans, receiver.spans));
    if (complete.length >= count) {
      const all = [...receiver.spans];
      receiver.clear();
      return { traces: complete, all };
    }
    if (Date.now() > stopAtMs) {
      const names = receiver.spans.map((s) => `${s.service}:${s.name}:${s.kind}`);
      assert.fail(`only ${complete.length} of ${count} complete traces within ${TRACE_WAIT_MS} ms; spans: ${JSON.stringify(names)}`);
    }
    await sleep(100);
  }
}

/** Asserts the spans of one Recommend; `callerSpanId` is the caller's span it continues ('' = none: Recommend is the root). */
function assertTraceShape(spans: ReceivedSpan[], useStreams: boolean, everything: readonly ReceivedSpan[], callerSpanId: string): void {
  const single = (predicate: (s: ReceivedSpan) => boolean, what: string): ReceivedSpan => {
    const found = spans.filter(predicate);
    assert.equal(found.length, 1, `${what}: ${found.length} spans in ${JSON.stringify(spans.map((s) => s.name))}`);
    return found[0];
  };
  const recommend = single((s) => s.name === 'dlrs.v1.Recommender/Recommend', 'the Recommend span');
  assert.equal(recommend.service, 'dlrs-gateway');
  assert.equal(recommend.parentSpanId, callerSpanId, 'Recommend continues the caller’s context, or is the root');
  assert.deepEqual(new Set(spans.map((s) => s.service)), new Set(['dlrs-gateway', 'dlrs-ranking', 'dlrs-retrieval']));
  for (const call of TIER_CALLS) {
    const stage = single((s) => s.name === call.stage, call.stage);
    assert.equal(stage.parentSpanId, recommend.spanId, `${call.stage} is a child of Recommend`);
    const clientSpan = single((s) => s.name === call.method && s.kind === SPAN_KIND_CLIENT, `${call.method} client`);
    assert.equal(clientSpan.service, 'dlrs-gateway');
    assert.equal(clientSpan.parentSpanId, stage.spanId, `${call.method} client span is a child of ${call.stage}`);
    assert.equal(clientSpan.attributes['dlrs.rpc.stream'] !== undefined, useStreams, `${call.method} travelled ${useStreams ? 'on a stream' : 'unary'}`);
    const serverSpan = single((s) => s.name === call.method && s.kind === SPAN_KIND_SERVER, `${call.method} server`);
    assert.equal(serverSpan.service, call.service);
    assert.equal(serverSpan.parentSpanId, clientSpan.spanId, `${call.method} server span is a child of the gateway's client span`);
  }
  // The micro-batch that ran RankNet for the request: named on the request's span and linked both ways.
  const rank = single((s) => s.name === 'dlrs.v1.Ranking/Rank' && s.kind === SPAN_KIND_SERVER, 'Rank server');
  const batchId = rank.attributes['dlrs.batch_id'];
  assert.equal(typeof batchId, 'string', 'the Rank span names its batch');
  assert.ok(rank.links.some((link) => link.spanId === batchId), 'the Rank span links its batch');
  const batch = everything.find((s) => s.spanId === batchId);
  assert.equal(batch?.name, 'ranknet batch');
  assert.ok(batch.links.some((link) => link.spanId === rank.spanId && link.traceId === rank.traceId), 'the batch links the request');
}
