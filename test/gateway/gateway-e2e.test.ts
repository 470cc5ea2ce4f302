import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials } from '@grpc/grpc-js';
import { readBundle } from '../../shared/bundle/index.js';
import type { ModelBundle } from '../../shared/bundle/index.js';
import { callUnary } from '../../shared/grpc/index.js';
import type { RecommenderClient } from '../../shared/generated/dlrs/v1/Recommender.js';
import type { RecommendRequest } from '../../shared/generated/dlrs/v1/RecommendRequest.js';
import type { RecommendResponse__Output } from '../../shared/generated/dlrs/v1/RecommendResponse.js';
import type { RecommendStreamResponse__Output } from '../../shared/generated/dlrs/v1/RecommendStreamResponse.js';
import type { RecordInteractionsResponse__Output } from '../../shared/generated/dlrs/v1/RecordInteractionsResponse.js';
import type { SessionResponse__Output } from '../../shared/generated/dlrs/v1/SessionResponse.js';
import { createLogger, createMemorySink } from '../../shared/logging/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import { shardOf } from '../../shared/sharding/index.js';
import { loadGatewayConfig, startGateway } from '../../services/gateway/index.js';
import type { RunningGateway } from '../../services/gateway/index.js';
import { describeBundle, loadRankingConfig, startRankingServer } from '../../services/ranking/index.js';
import type { RankingServer } from '../../services/ranking/index.js';
import { openBundleModel } from '../../services/retrieval/open-bundle-model.js';
import { runTrain } from '../../services/trainer/train-command.js';
import { startStandInShard } from '../fixtures/retrieval-shard.js';
import type { StandInShard } from '../fixtures/retrieval-shard.js';

const SHARDS = 2;

describe('gateway end to end: a trained bundle served by real ranking and two real retrieval shards', function () {
  this.timeout(120_000);
  let root: string;
  let bundle: ModelBundle;
  let ranking: RankingServer;
  let shards: StandInShard[];
  let gateway: RunningGateway;
  let client: RecommenderClient;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'dlrs-gateway-e2e-'));
    const bundleDir = join(root, 'bundle');
    assert.equal(await runTrain(['--data', 'synthetic:tiny', '--out', bundleDir, '--epochs', '1', '--dim', '16', '--seed', '3', '--workers', '1']), 0);
    bundle = await readBundle(bundleDir);
    const { manifest } = bundle;
    const served = await openBundleModel(bundleDir);
    shards = await Promise.all(Array.from({ length: SHARDS }, (_, i) => startStandInShard({ model: served, shard: `${i}/${SHARDS}` })));
    const silent = createLogger({ level: 'silent', destination: createMemorySink() });
    ranking = await startRankingServer({
      config: loadRankingConfig({ env: { DLRS_RANKING_HOST: '127.0.0.1', DLRS_RANKING_PORT: '0', DLRS_RANKING_METRICS_PORT: '0', DLRS_RANKING_WORKERS: '1', DLRS_RANKING_SHUTDOWN_TIMEOUT_MS: '1000' } }),
      logger: silent,
      bundlePath: bundleDir,
      describe: describeBundle,
    });
    const config = loadGatewayConfig({
      env: {
        DLRS_HOST: '127.0.0.1',
        DLRS_PORT: '0',
        DLRS_METRICS_PORT: '0',
        DLRS_SHUTDOWN_TIMEOUT_MS: '1000',
        DLRS_RANKING_ADDRESS: `127.0.0.1:${ranking.port}`,
        DLRS_RETRIEVAL_ADDRESSES: shards.map((s) => `127.0.0.1:${s.server.port}`).join(','),
        DLRS_DATA_DIR: join(root, 'gateway'),
        DLRS_DEFAULT_TIMEOUT_MS: '5000',
      },
    });
    gateway = await startGateway(config, { spec: manifest.featureSpec, shardOf }, silent);
    client = new (loadProtos().grpcObject.dlrs.v1.Recommender)(`127.0.0.1:${gateway.port}`, credentials.createInsecure());
  });

  after(async () => {
    client?.close();
    await gateway?.stop('test done');
    await ranking?.close('test done');
    for (const shard of shards ?? []) await shard.stop();
    await rm(root, { recursive: true, force: true });
  });

  const budget = () => ({ deadline: Date.now() + 10_000 });
  const recommendFor = (request: RecommendRequest) => callUnary<RecommendResponse__Output>((md, o, cb) => client.Recommend(request, md, o, cb), budget());
  const record = (userId: string, itemIds: string[]) =>
    callUnary<RecordInteractionsResponse__Output>(
      (md, o, cb) => client.RecordInteractions({ events: itemIds.map((itemId, i) => ({ userId, interaction: { itemId, eventType: 'view', timestampMs: 1000 + i, eventId: `${userId}-${itemId}` } })) }, md, o, cb),
      budget(),
    );

  it('recommends for a recorded user: ranked, scored, titled, seen items excluded, the bundle’s model version', async () => {
    const seen = bundle.items.slice(0, 5).map((item) => item.id);
    assert.deepEqual(await record('u1', seen), { accepted: 5, duplicates: 0 });
    const response = await recommendFor({ requestId: 'r1', userId: 'u1', k: 10, candidates: 100 });
    assert.equal(response.degraded, false, response.degradedDetail);
    assert.equal(response.modelVersion, bundle.manifest.modelVersion);
    assert.equal(response.items.length, 10);
    assert.deepEqual(response.items.map((i) => i.rank), Array.from({ length: 10 }, (_, i) => i + 1));
    assert.ok(response.items.every((i) => !seen.includes(i.itemId)), 'seen items are excluded');
    assert.ok(response.items.every((i) => i.score >= 0 && i.score <= 1 && i.title !== ''));
    response.items.forEach((item, i) => i > 0 && assert.ok(response.items[i - 1].score >= item.score));
    const shardsUsed = new Set(response.items.map((i) => shardOf(i.itemId, SHARDS)));
    assert.equal(shardsUsed.size, SHARDS, 'candidates come from both shards');
  });

  it('recommends for an inline context, honouring an attribute filter', async () => {
    const category = bundle.items[0].features.category as string;
    const response = await recommendFor({
      userId: undefined,
      context: { interactions: bundle.items.slice(10, 13).map((item) => ({ itemId: item.id, eventType: 'view' })) },
      k: 5,
      filter: { clauses: [{ field: 'category', equals: category }] },
    });
    assert.equal(response.degraded, false, response.degradedDetail);
    const byId = new Map(bundle.items.map((item) => [item.id, item]));
    assert.ok(response.items.length > 0);
    assert.ok(response.items.every((i) => byId.get(i.itemId)?.features.category === category));
  });

  it('answers many requests on one RecommendStream', async () => {
    const stream = client.RecommendStream();
    const answers = new Map<string, RecommendStreamResponse__Output>();
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (message: RecommendStreamResponse__Output) => answers.set(message.requestId, message));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    for (let i = 0; i < 20; i++) stream.write({ requestId: `s${i}`, userId: 'u1', k: 3 });
    stream.end();
    await done;
    assert.equal(answers.size, 20);
    for (const answer of answers.values()) assert.equal(answer.response?.items.length, 3);
  });

  it('pushes fresh, personalised recommendations after each event of a session', async () => {
    const session = client.Session();
    const pushes: SessionResponse__Output[] = [];
    const events = bundle.items.slice(20, 22).map((item, i) => ({ itemId: item.id, eventType: 'view', eventId: `live-${i}` }));
    const done = new Promise<void>((resolve, reject) => {
      session.on('data', (message: SessionResponse__Output) => {
        pushes.push(message);
        const next = events[pushes.length - 1];
        if (next) session.write({ event: next });
        else session.end();
      });
      session.on('end', resolve);
      session.on('error', reject);
    });
    session.write({ start: { userId: 'live', k: 5 } });
    await done;
    assert.equal(pushes.length, 3);
    assert.deepEqual(pushes[0].recommendations?.degradedReasons, ['POPULAR_FALLBACK'], 'a new user starts with popular items');
    for (const [i, push] of pushes.slice(1).entries()) {
      assert.equal(push.eventId, `live-${i}`);
      assert.equal(push.recommendations?.degraded, false);
      assert.ok(!push.recommendations?.items.some((item) => item.itemId === events[i].itemId), 'the item just seen is excluded');
    }
  });

  it('degrades instead of failing: a shard down, then ranking down', async () => {
    await shards[1].stop();
    const oneShard = await recommendFor({ userId: 'u1', k: 5 });
    assert.deepEqual(oneShard.degradedReasons, ['SHARD_UNAVAILABLE']);
    assert.ok(oneShard.items.every((i) => shardOf(i.itemId, SHARDS) === 0));
    await ranking.close('ranking down');
    const noRanking = await recommendFor({ userId: 'u1', k: 5 });
    // Without UserNet there is no user embedding to search with: popular items answer.
    assert.deepEqual(noRanking.degradedReasons, ['RANKING_UNAVAILABLE', 'POPULAR_FALLBACK'], noRanking.degradedDetail);
    assert.ok(noRanking.items.length > 0);
  });
});
