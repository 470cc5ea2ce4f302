import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata, credentials } from '@grpc/grpc-js';
import { FaultyDurableFs } from '../../shared/durable-io/index.js';
import type { DurableFs } from '../../shared/durable-io/index.js';
import { DlrsError } from '../../shared/errors/index.js';
import { OWN_CONNECTION, callUnary } from '../../shared/grpc/index.js';
import type { RecommenderClient } from '../../shared/generated/dlrs/v1/Recommender.js';
import type { RecommendResponse__Output } from '../../shared/generated/dlrs/v1/RecommendResponse.js';
import type { RecordInteractionsResponse__Output } from '../../shared/generated/dlrs/v1/RecordInteractionsResponse.js';
import type { UserProfile__Output } from '../../shared/generated/dlrs/v1/UserProfile.js';
import { createLogger, createMemorySink } from '../../shared/logging/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import { loadGatewayConfig } from './gateway-config.js';
import { startGateway } from './start-gateway.js';
import type { RunningGateway } from './start-gateway.js';
import { startFakeRanking, startFakeShard } from './testing/fake-tiers.js';
import type { FakeRanking, FakeShard } from './testing/fake-tiers.js';
import { redisServerMissing, startRedisServer } from './testing/start-redis-server.js';
import { TEST_SPEC, testCatalog, testShardOf } from './testing/start-test-gateway.js';
import { skipForMissingTool } from '../../shared/testing/index.js';
import { checkHealth, healthClient } from '../../test/fixtures/runtime-clients.js';

const MODEL = { spec: TEST_SPEC, shardOf: (itemId: string) => testShardOf(itemId) };

describe('startGateway: the configured gateway in front of in-test Retrieval/Ranking gRPC servers', () => {
  let dir: string;
  let ranking: FakeRanking;
  let shards: FakeShard[];
  const running: RunningGateway[] = [];
  const clients: RecommenderClient[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlrs-start-gateway-'));
    ranking = await startFakeRanking();
    shards = await Promise.all(testCatalog().map((items, i) => startFakeShard(i, items, 'm1', (id) => testShardOf(id) === i)));
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const gateway of running.splice(0)) await gateway.stop('test done');
    await Promise.all([ranking.stop(), ...shards.map((s) => s.stop())]);
    await rm(dir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string> = {}, startOptions: { fs?: DurableFs } = {}): Promise<RecommenderClient> {
    const config = loadGatewayConfig({
      env: {
        DLRS_HOST: '127.0.0.1',
        DLRS_PORT: '0',
        DLRS_METRICS_PORT: '0',
        DLRS_SHUTDOWN_TIMEOUT_MS: '1000',
        DLRS_RANKING_ADDRESS: ranking.address,
        DLRS_RETRIEVAL_ADDRESSES: shards.map((s) => s.address).join(','),
        DLRS_DATA_DIR: join(dir, 'data'),
        ...env,
      },
    });
    const gateway = await startGateway(config, MODEL, createLogger({ level: 'silent', destination: createMemorySink() }), startOptions);
    running.push(gateway);
    const client = new (loadProtos().grpcObject.dlrs.v1.Recommender)(`127.0.0.1:${gateway.port}`, credentials.createInsecure(), OWN_CONNECTION);
    clients.push(client);
    return client;
  }

  const options = (token?: string) => {
    const metadata = new Metadata();
    if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
    return { deadline: Date.now() + 5000, metadata };
  };
  const record = (client: RecommenderClient, userId: string, itemId: string, eventId: string, token?: string) =>
    callUnary<RecordInteractionsResponse__Output>((md, o, cb) => client.RecordInteractions({ events: [{ userId, interaction: { itemId, eventType: 'purchase', eventId } }] }, md, o, cb), options(token));
  const recommendFor = (client: RecommenderClient, userId: string, token?: string) =>
    callUnary<RecommendResponse__Output>((md, o, cb) => client.Recommend({ userId, k: 3 }, md, o, cb), options(token));

  it('turns NOT_SERVING while the embedded store cannot write (ENOSPC), refuses writes with UNAVAILABLE, and serves again once space returns', async () => {
    const fs = new FaultyDurableFs();
    const client = await start({}, { fs });
    const gateway = running[running.length - 1];
    const health = healthClient(`127.0.0.1:${gateway.port}`);
    const scrape = async (): Promise<string> => (await fetch(`http://127.0.0.1:${gateway.metricsPort}/metrics`)).text();
    try {
      await record(client, 'u1', 'b', 'e1');
      assert.equal(await checkHealth(health, 'dlrs.v1.Recommender'), 'SERVING');
      const full = fs.inject({ op: 'write', path: 'profiles.aof', error: 'ENOSPC' });
      await assert.rejects(record(client, 'u1', 'xe', 'e2'), (error) => error instanceof DlrsError && error.code === 'UNAVAILABLE');
      assert.equal(await checkHealth(health, 'dlrs.v1.Recommender'), 'NOT_SERVING');
      assert.equal(await checkHealth(health, ''), 'NOT_SERVING');
      const metrics = await scrape();
      assert.match(metrics, /^dlrs_profile_store_writable_info(\{[^}]*\})? 0$/m);
      assert.match(metrics, /^dlrs_profile_store_write_failures_total\{[^}]*code="ENOSPC"[^}]*\} 1$/m);
      full.remove();
      await record(client, 'u1', 'xe', 'e2');
      assert.equal(await checkHealth(health, 'dlrs.v1.Recommender'), 'SERVING');
      assert.match(await scrape(), /^dlrs_profile_store_writable_info(\{[^}]*\})? 1$/m);
    } finally {
      health.close();
    }
  });

  it('keeps profiles in its data folder and answers unknown users with popular items right after a restart', async () => {
    const first = await start();
    await record(first, 'u1', 'b', 'e1');
    await record(first, 'u2', 'b', 'e2');
    await record(first, 'u2', 'xe', 'e3');
    assert.deepEqual((await recommendFor(first, 'u1')).items.map((i) => i.itemId), ['xe', 'c', 'a']);
    await running.pop()?.stop('restart');

    const second = await start();
    const profile = await callUnary<UserProfile__Output>((md, o, cb) => second.GetProfile({ userId: 'u2' }, md, o, cb), options());
    assert.equal(profile.eventCount, 2);
    const popular = await recommendFor(second, 'stranger');
    assert.deepEqual(popular.degradedReasons, ['POPULAR_FALLBACK']);
    assert.deepEqual(popular.items.map((i) => i.itemId), ['b', 'xe'], 'seeded from the interaction log');
    assert.equal((await record(second, 'u1', 'b', 'e1')).duplicates, 1, 'event ids survive the restart');
  });

  it('shares profiles between two replicas through Redis and checks API tokens', async function () {
    const missing = redisServerMissing();
    if (missing !== undefined) skipForMissingTool(this, missing);
    const redis = await startRedisServer();
    try {
      const tokens = join(dir, 'tokens');
      await writeFile(tokens, 'replica-token\n');
      const env = { DLRS_PROFILE_STORE: 'redis', DLRS_REDIS_URL: redis.url, DLRS_API_TOKENS_FILE: tokens, DLRS_INTERACTION_LOG: 'false' };
      const a = await start(env);
      const b = await start(env);
      await assert.rejects(record(a, 'u1', 'b', 'e1'), (error) => DlrsError.from(error).code === 'UNAUTHENTICATED');
      assert.equal((await record(a, 'u1', 'b', 'e1', 'replica-token')).accepted, 1);
      assert.equal((await record(b, 'u1', 'b', 'e1', 'replica-token')).duplicates, 1, 'replica b sees what replica a applied');
      const fromB = await recommendFor(b, 'u1', 'replica-token');
      assert.equal(fromB.degraded, false);
      assert.ok(!fromB.items.some((i) => i.itemId === 'b'), 'the seen item is excluded on the other replica');
    } finally {
      for (const gateway of running.splice(0)) await gateway.stop('test done');
      await redis.stop();
    }
  });
});
