import assert from 'node:assert/strict';
import { SpanKind, trace } from '@opentelemetry/api';
import { createGrpcClient } from '../../../shared/grpc/index.js';
import type { ServiceClientConstructor } from '../../../shared/grpc/index.js';
import type { RankingClient } from '../../../shared/generated/dlrs/v1/Ranking.js';
import type { RetrievalClient } from '../../../shared/generated/dlrs/v1/Retrieval.js';
import { createLogger } from '../../../shared/logging/index.js';
import { loadProtos } from '../../../shared/proto/index.js';
import { startInMemoryTracing } from '../../../shared/telemetry/index.js';
import type { InMemoryTracing } from '../../../shared/telemetry/index.js';
import { PopularityTracker } from '../popularity/index.js';
import { startFakeRanking, startFakeShard } from '../testing/fake-tiers.js';
import type { FakeRanking, FakeShard } from '../testing/fake-tiers.js';
import { testCatalog } from '../testing/start-test-gateway.js';
import { unaryRankingPort, unaryShardPort } from '../tiers/index.js';
import { recommend } from './recommend.js';

describe('recommend tracing over in-test Retrieval/Ranking gRPC servers', () => {
  let tracing: InMemoryTracing;
  let ranking: FakeRanking;
  let shards: FakeShard[];
  let rankingClient: RankingClient;
  let shardClients: RetrievalClient[];

  before(async () => {
    tracing = startInMemoryTracing({ logger: createLogger({ level: 'silent' }) });
    ranking = await startFakeRanking();
    shards = await Promise.all(testCatalog().map((items, i) => startFakeShard(i, items)));
    const { Ranking, Retrieval } = loadProtos().grpcObject.dlrs.v1;
    rankingClient = createGrpcClient(Ranking as unknown as ServiceClientConstructor<RankingClient>, { addresses: ranking.address });
    shardClients = shards.map((s) => createGrpcClient(Retrieval as unknown as ServiceClientConstructor<RetrievalClient>, { addresses: s.address }));
  });

  after(async () => {
    rankingClient.close();
    for (const client of shardClients) client.close();
    await Promise.all([ranking.stop(), ...shards.map((s) => s.stop())]);
    await tracing.shutdown();
  });

  it('gives every stage a span under the request, parent of its downstream client calls', async () => {
    const deps = { ranking: unaryRankingPort(rankingClient), shards: shardClients.map((c, i) => unaryShardPort(i, c)), popularity: new PopularityTracker(), itemFeatures: async () => new Map(), itemEmbeddings: () => Promise.reject(new Error('Recommend never reads stored embeddings')), embedItem: () => Promise.reject(new Error('Recommend never embeds items')) };
    const query = { requestId: 'r', profile: { userId: 'u', eventCount: 1 }, k: 2, candidates: 5, excludeIds: [], filter: undefined, includeSeen: false };
    const rootId = await trace.getTracer('test').startActiveSpan('request', async (root) => {
      await recommend(deps, query, Date.now() + 5000, new AbortController().signal);
      root.end();
      return root.spanContext().spanId;
    });
    const spans = await tracing.finishedSpans();
    const stage = (name: string) => spans.find((span) => span.name === `gateway ${name}`);
    for (const name of ['embed users', 'search shard 0', 'search shard 1', 'rank']) {
      assert.equal(stage(name)?.parentSpanContext?.spanId, rootId, `${name} is a child of the request`);
    }
    const clientSpan = (method: string) => spans.find((span) => span.name === method && span.kind === SpanKind.CLIENT);
    assert.equal(clientSpan('dlrs.v1.Ranking/EmbedUsers')?.parentSpanContext?.spanId, stage('embed users')?.spanContext().spanId);
    assert.equal(clientSpan('dlrs.v1.Ranking/Rank')?.parentSpanContext?.spanId, stage('rank')?.spanContext().spanId);
    const searches = spans.filter((span) => span.name === 'dlrs.v1.Retrieval/Search' && span.kind === SpanKind.CLIENT).map((span) => span.parentSpanContext?.spanId);
    assert.deepEqual(searches.sort(), [stage('search shard 0')?.spanContext().spanId, stage('search shard 1')?.spanContext().spanId].sort());
  });
});
