import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials } from '@grpc/grpc-js';
import { defineConfig, loadConfig, publicEdgeConfigShape, serverConfigShape } from '../../../shared/config/index.js';
import type { FeatureSpec, Item } from '../../../shared/features/index.js';
import { OWN_CONNECTION, createGrpcServer, findService } from '../../../shared/grpc/index.js';
import type { RecommenderClient } from '../../../shared/generated/dlrs/v1/Recommender.js';
import { InteractionLogWriter } from '../../../shared/interaction-log/index.js';
import { createLogger, createMemorySink } from '../../../shared/logging/index.js';
import type { MemorySink } from '../../../shared/logging/index.js';
import { createMetricsRegistry } from '../../../shared/metrics/index.js';
import { loadProtos } from '../../../shared/proto/index.js';
import { gatewayService } from '../gateway-service.js';
import type { GatewayLimits } from '../gateway-service.js';
import { ItemFeatureCache } from '../item-cache/index.js';
import { PopularityTracker } from '../popularity/index.js';
import { EmbeddedProfileStore } from '../profile-store/index.js';
import type { GatewayEvent, StoredProfile } from '../profiles/index.js';
import { shardedCatalog, streamingRankingPort, streamingShardPort } from '../tiers/index.js';
import { rankingClient, retrievalClient, startFakeRanking, startFakeShard } from './fake-tiers.js';
import type { FakeItem, FakeRanking, FakeShard } from './fake-tiers.js';

/** The feature spec of the test gateway. */
export const TEST_SPEC: FeatureSpec = { features: [{ name: 'genre', kind: 'categorical', vocabulary: ['<oov>', 'drama', 'comedy'] }], itemIds: ['<oov>'], bagLength: 5, eventWeights: { purchase: 3 } };

/** Items whose id starts with "x" live on shard 1, the others on shard 0. */
export const testShardOf = (id: string): number => (id.startsWith('x') ? 1 : 0);

const item = (id: string, similarity: number, bias: number, genre: string): FakeItem => ({ id, title: `Title ${id.toUpperCase()}`, embedding: [similarity, 0, 0], bias, features: { genre } });

/**
 * The catalog of the test gateway: similarity order xd a b xe c, RankNet (bias) order
 * b xe c a xd.
 */
export function testCatalog(): FakeItem[][] {
  return [
    [item('a', 0.9, -1, 'drama'), item('b', 0.8, 2, 'comedy'), item('c', 0.5, 0.5, 'drama')],
    [item('xd', 0.95, -2, 'comedy'), item('xe', 0.7, 1, 'drama')],
  ];
}

/** Generous limits, except small in-flight bounds so that backpressure and admission are exercised. */
export const TEST_LIMITS: GatewayLimits = { maxK: 50, maxCandidates: 500, maxExcludeIds: 100, maxContextInteractions: 50, maxEventsPerBatch: 100, maxItemsPerCall: 100, maxInFlightPerStream: 2, maxRecommendsInFlight: 3, defaultTimeoutMs: 2000, maxTimeoutMs: 60_000, maxEventWeight: 100, maxEventFutureMs: 300_000 };

/** A gateway on a real gRPC server in front of in-test Retrieval/Ranking gRPC servers. */
export interface TestGateway {
  client: RecommenderClient;
  ranking: FakeRanking;
  shards: FakeShard[];
  store: EmbeddedProfileStore<StoredProfile, GatewayEvent>;
  log: InteractionLogWriter;
  logDir: string;
  logs: MemorySink;
  metricsPort: number;
  stop(): Promise<void>;
}

/** Starts the gateway service with an embedded store, an interaction log and two fake shards on 127.0.0.1. */
export async function startTestGateway(limits: GatewayLimits = TEST_LIMITS): Promise<TestGateway> {
  const dir = await mkdtemp(join(tmpdir(), 'dlrs-test-gateway-'));
  const ranking = await startFakeRanking();
  const shards = await Promise.all(testCatalog().map((items, i) => startFakeShard(i, items, 'm1', (id) => testShardOf(id) === i)));
  const store = await EmbeddedProfileStore.open<StoredProfile, GatewayEvent>({ path: join(dir, 'profiles.aof') });
  const logDir = join(dir, 'log');
  const log = await InteractionLogWriter.open({ dir: logDir, writerId: 'gw' });
  const shardClients = shards.map((s) => retrievalClient(s.address));
  const logs = createMemorySink();
  const logger = createLogger({ level: 'debug', destination: logs });
  const catalog = shardedCatalog(shardClients, testShardOf, logger);
  const streams = { logger: logger.child({ component: 'tiers' }) };
  const rankingPort = streamingRankingPort(rankingClient(ranking.address), streams);
  const shardPorts = shardClients.map((c, i) => streamingShardPort(i, c, streams));
  const metrics = createMetricsRegistry({ serviceName: 'gateway' });
  const { packageDefinition } = loadProtos();
  // The gateway's own server settings: the public edge's limits (1 MiB messages, …) included.
  const config = loadConfig(defineConfig({ ...serverConfigShape({ port: 0, metricsPort: 0 }), ...publicEdgeConfigShape() }), { env: { DLRS_HOST: '127.0.0.1', DLRS_SHUTDOWN_TIMEOUT_MS: '1000' } });
  const server = createGrpcServer({
    logger,
    config,
    publicEdge: config,
    name: 'gateway',
    metrics,
    packageDefinitions: [packageDefinition],
    services: [
      {
        definition: findService([packageDefinition], 'dlrs.v1.Recommender'),
        implementation: gatewayService({
          store,
          spec: () => TEST_SPEC,
          itemCache: new ItemFeatureCache<Item>({ fetch: (ids) => catalog.getItems(ids, { deadlineMs: Date.now() + 2000, signal: new AbortController().signal }) }),
          popularity: new PopularityTracker({ maxWeight: limits.maxEventWeight }),
          log,
          ranking: rankingPort,
          shards: shardPorts,
          catalog,
          limits,
          metrics,
          logger,
        }),
      },
    ],
  });
  const { port, metricsPort } = await server.start();
  server.setReady(true);
  const client = new (loadProtos().grpcObject.dlrs.v1.Recommender)(`127.0.0.1:${port}`, credentials.createInsecure(), OWN_CONNECTION);
  return {
    client,
    ranking,
    shards,
    store,
    log,
    logDir,
    logs,
    metricsPort,
    async stop() {
      client.close();
      rankingPort.close();
      for (const shardPort of shardPorts) shardPort.close();
      await server.shutdown('test done');
      await Promise.all([ranking.stop(), ...shards.map((s) => s.stop())]);
      await store.close();
      await log.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
