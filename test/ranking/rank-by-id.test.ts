// Rank with candidates named by id (RankRequest.bundle_rows) over the real serving path: a
// trained bundle, real retrieval shards (USearch, ItemNet under ONNX Runtime), real ranking.
import assert from 'node:assert/strict';
import type { EmbedUsersResponse__Output } from '../../shared/generated/dlrs/v1/EmbedUsersResponse.js';
import type { RankingClient } from '../../shared/generated/dlrs/v1/Ranking.js';
import type { RankRequest } from '../../shared/generated/dlrs/v1/RankRequest.js';
import type { RankResponse__Output } from '../../shared/generated/dlrs/v1/RankResponse.js';
import type { SearchResult__Output } from '../../shared/generated/dlrs/v1/SearchResult.js';
import { callUnary, createGrpcClient } from '../../shared/grpc/index.js';
import { createLogger, createMemorySink } from '../../shared/logging/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import { describeBundle, loadRankingConfig, startRankingServer } from '../../services/ranking/index.js';
import { failure } from '../fixtures/dlrs-failure.js';
import { call } from '../fixtures/retrieval-shard.js';
import { startServingStack } from '../fixtures/serving-stack.js';
import type { ServingStack } from '../fixtures/serving-stack.js';

const CANDIDATES = 40;

describe('Rank by id (bundle_rows) over real shards and ranking', function () {
  this.timeout(120_000);
  let stack: ServingStack;
  let ranking: RankingClient;
  let user: EmbedUsersResponse__Output;

  before(async () => {
    stack = await startServingStack({ shards: 1 });
    ranking = createGrpcClient(loadProtos().grpcObject.dlrs.v1.Ranking, { addresses: `127.0.0.1:${stack.ranking.port}` });
    const profile = { userId: 'u1', recentItems: stack.bundle.items.slice(0, 3).map((item) => ({ itemId: item.id, weight: 1 })) };
    user = await callUnary<EmbedUsersResponse__Output>((md, opts, cb) => ranking.EmbedUsers({ profiles: [profile] }, md, opts, cb));
  });
  after(async () => {
    ranking?.close();
    await stack?.stop();
  });

  const search = (omitBundleEmbeddings: boolean): Promise<SearchResult__Output> =>
    call(stack.shards[0].client.Search.bind(stack.shards[0].client), { modelVersion: user.modelVersion, dim: user.dim, queries: user.embeddings, k: CANDIDATES, includeEmbeddings: true, omitBundleEmbeddings }).then(
      (response: { results: SearchResult__Output[] }) => response.results[0],
    );
  const rank = (request: RankRequest): Promise<RankResponse__Output> =>
    callUnary<RankResponse__Output>((md, opts, cb) => ranking.Rank({ modelVersion: user.modelVersion, dim: user.dim, userEmbedding: user.embeddings, userBias: user.biases.readFloatLE(0), ...request }, md, opts, cb));
  const byId = (result: SearchResult__Output): RankRequest => ({ itemIds: result.itemIds, bundleRows: result.bundleRows, itemEmbeddings: result.embeddings, itemBiases: result.biases });
  const scores = (response: RankResponse__Output): number[] => [...new Float32Array(Uint8Array.from(response.scores).buffer)];

  it('tells that the replica resolves bundle items, and scores candidates named by id as their shipped embeddings', async () => {
    assert.equal(user.resolvesBundleItems, true);
    const full = await search(false);
    const omitted = await search(true);
    assert.equal(full.itemIds.length, CANDIDATES);
    assert.deepEqual(omitted.itemIds, full.itemIds);
    assert.deepEqual([...omitted.bundleRows], full.itemIds.map(() => 1), 'every item is as the bundle gave it');
    assert.equal(omitted.embeddings.length, 0);
    assert.equal(full.bundleRows.length, 0, 'without the request field every row is shipped, as before');
    const shipped = scores(await rank({ itemEmbeddings: full.embeddings, itemBiases: full.biases }));
    const resolved = scores(await rank(byId(omitted)));
    assert.deepEqual(resolved, shipped);
  });

  it('ships an upserted item\'s new embedding with the answer, and ranking scores that one', async () => {
    const before = await search(true);
    const [changed, donor] = [before.itemIds[0], before.itemIds.at(-1) as string];
    const stored = await call(stack.shards[0].client.GetItems.bind(stack.shards[0].client), { itemIds: [changed, donor], includeEmbeddings: true });
    const oldEmbedding = stored.items[0].embedding;
    await call(stack.shards[0].client.UpsertItems.bind(stack.shards[0].client), { items: [{ id: changed, features: stored.items[1].item?.features }] });
    const after = await search(true);
    const row = after.itemIds.indexOf(changed);
    const flags = [...after.bundleRows];
    assert.ok(row >= 0, 'the changed item is still a candidate');
    assert.equal(flags[row], 0, 'the changed item is no longer a bundle row');
    assert.equal(flags.filter((flag) => flag === 0).length, 1);
    assert.equal(after.embeddings.length, 4 * user.dim);
    assert.notDeepEqual(Buffer.from(after.embeddings), Buffer.from(oldEmbedding), 'the upsert changed the embedding');
    const full = await search(false);
    assert.deepEqual(full.itemIds, after.itemIds);
    assert.deepEqual(scores(await rank(byId(after))), scores(await rank({ itemEmbeddings: full.embeddings, itemBiases: full.biases })));
  });

  it('refuses another model version, a missing one, and an id the bundle does not hold: typed errors naming the field', async () => {
    const omitted = await search(true);
    const otherVersion = await failure(rank({ ...byId(omitted), modelVersion: 'another-version' }));
    assert.deepEqual([otherVersion.code, otherVersion.field], ['FAILED_PRECONDITION', 'model_version']);
    const noVersion = await failure(rank({ ...byId(omitted), modelVersion: '' }));
    assert.deepEqual([noVersion.code, noVersion.field], ['INVALID_ARGUMENT', 'model_version']);
    const unknown = await failure(rank({ ...byId(omitted), itemIds: omitted.itemIds.map((id, i) => (i === 2 ? 'not-in-the-bundle' : id)) }));
    assert.deepEqual([unknown.code, unknown.field], ['FAILED_PRECONDITION', 'item_ids[2]']);
    const shortIds = await failure(rank({ ...byId(omitted), itemIds: omitted.itemIds.slice(1) }));
    assert.deepEqual([shortIds.code, shortIds.field], ['INVALID_ARGUMENT', 'item_ids']);
  });

  it('a replica without the item table says so, and refuses bundle_rows rather than score other values', async () => {
    const plain = await startRankingServer({
      config: loadRankingConfig({ env: { DLRS_HOST: '127.0.0.1', DLRS_PORT: '0', DLRS_METRICS_PORT: '0', DLRS_WORKERS: '1', DLRS_SHUTDOWN_TIMEOUT_MS: '1000', DLRS_ITEM_TABLE: 'false' } }),
      logger: createLogger({ level: 'silent', destination: createMemorySink() }),
      bundlePath: stack.bundle.dir,
      describe: (dir) => describeBundle(dir, { itemTable: false }),
    });
    const client = createGrpcClient(loadProtos().grpcObject.dlrs.v1.Ranking, { addresses: `127.0.0.1:${plain.port}` });
    try {
      const profile = { userId: 'u1', recentItems: stack.bundle.items.slice(0, 3).map((item) => ({ itemId: item.id, weight: 1 })) };
      const embedded = await callUnary<EmbedUsersResponse__Output>((md, opts, cb) => client.EmbedUsers({ profiles: [profile] }, md, opts, cb));
      assert.equal(embedded.resolvesBundleItems, false);
      const omitted = await search(true);
      const request = { modelVersion: user.modelVersion, dim: user.dim, userEmbedding: user.embeddings, userBias: 0, ...byId(omitted) };
      const refused = await failure(callUnary<RankResponse__Output>((md, opts, cb) => client.Rank(request, md, opts, cb)));
      assert.deepEqual([refused.code, refused.field], ['FAILED_PRECONDITION', 'bundle_rows']);
    } finally {
      client.close();
      await plain.close('test done');
    }
  });

  it('serves Recommend through the gateway on this path with ranked, not degraded, answers', async () => {
    const gateway = createGrpcClient(loadProtos().grpcObject.dlrs.v1.Recommender, { addresses: stack.address });
    try {
      const response = await callUnary<{ items: { itemId: string }[]; degradedReasons: string[]; modelVersion: string }>((md, opts, cb) =>
        gateway.Recommend({ k: 5, candidates: CANDIDATES, context: { interactions: stack.bundle.items.slice(0, 3).map((item) => ({ itemId: item.id, eventType: 'view' })) } }, md, opts, cb),
      );
      assert.deepEqual(response.degradedReasons, []);
      assert.equal(response.items.length, 5);
      assert.equal(response.modelVersion, user.modelVersion);
    } finally {
      gateway.close();
    }
  });
});
