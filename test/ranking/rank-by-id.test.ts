// Rank with candidates named by bundle row number (RankRequest.bundle_rows) over the real serving
// path: a trained bundle, real retrieval shards (USearch, ItemNet under ONNX Runtime), real ranking.
import assert from 'node:assert/strict';
import type { EmbedUsersResponse__Output } from '../../shared/generated/dlrs/v1/EmbedUsersResponse.js';
import type { RankingClient } from '../../shared/generated/dlrs/v1/Ranking.js';
import type { RankRequest } from '../../shared/generated/dlrs/v1/RankRequest.js';
import type { RankResponse__Output } from '../../shared/generated/dlrs/v1/RankResponse.js';
import type { SearchResult__Output } from '../../shared/generated/dlrs/v1/SearchResult.js';
import { callUnary, createGrpcClient } from '../../shared/grpc/index.js';
import { createLogger, createMemorySink } from '../../shared/logging/index.js';
import { NO_BUNDLE_ROW, bundleRowAt, bundleRowsBytes, loadProtos } from '../../shared/proto/index.js';
import { describeBundle, loadRankingConfig, startRankingServer } from '../../services/ranking/index.js';
import { failure } from '../fixtures/dlrs-failure.js';
import { call } from '../fixtures/retrieval-shard.js';
import { startServingStack } from '../fixtures/serving-stack.js';
import type { ServingStack } from '../fixtures/serving-stack.js';

const CANDIDATES = 40;

/** A bundle_rows field as numbers. */
const rowNumbers = (bytes: Buffer): number[] => Array.from({ length: bytes.length / 4 }, (_, i) => bundleRowAt(bytes, i));

/** Ranking's candidates so far by source (dlrs_ranking_candidates_total), from its /metrics. */
async function candidatesBySource(metricsPort: number): Promise<{ table: number; request: number }> {
  const scrape = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const count = (source: string): number => Number(new RegExp(`^dlrs_ranking_candidates_total\\{[^}]*source="${source}"[^}]*\\} (\\d+)`, 'm').exec(scrape)?.[1] ?? 0);
  return { table: count('table'), request: count('request') };
}

/** Where ranking runs its sessions and a shard its index: every case holds in both. */
const PLACEMENTS = [
  { name: 'ranking with an inference worker, the index in its worker', rankingEnv: { DLRS_WORKERS: '1' }, shardEnv: { DLRS_INDEX_PLACEMENT: 'worker' } },
  { name: 'ranking inline, the index inline', rankingEnv: { DLRS_WORKERS: '0' }, shardEnv: { DLRS_INDEX_PLACEMENT: 'inline' } },
];

for (const placement of PLACEMENTS) {
  describe(`Rank by bundle row (bundle_rows) over real shards and ranking, ${placement.name}`, function () {
    this.timeout(120_000);
    let stack: ServingStack;
    let ranking: RankingClient;
    let user: EmbedUsersResponse__Output;
    let afterWarmUp: { table: number; request: number };

    before(async () => {
      stack = await startServingStack({ shards: 1, rankingEnv: placement.rankingEnv, shardEnv: placement.shardEnv, gatewayEnv: { DLRS_WARMUP_CALLS: '20' } });
      // Ranking's own warm-up counts nothing; every candidate counted so far came from the gateway's warm-up.
      afterWarmUp = await candidatesBySource(stack.ranking.metricsPort);
      ranking = createGrpcClient(loadProtos().grpcObject.dlrs.v1.Ranking, { addresses: `127.0.0.1:${stack.ranking.port}` });
      const profile = { userId: 'u1', recentItems: stack.bundle.items.slice(0, 3).map((item) => ({ itemId: item.id, weight: 1 })) };
      user = await callUnary<EmbedUsersResponse__Output>((md, opts, cb) => ranking.EmbedUsers({ profiles: [profile] }, md, opts, cb));
    });

    it('the gateway warmed its path by bundle row before SERVING: ranking read every warm-up candidate from its table', () => {
      assert.ok(afterWarmUp.table > 0, `the warm-up's Rank calls named candidates by bundle row (${afterWarmUp.table} from the table)`);
      assert.equal(afterWarmUp.request, 0, 'no candidate embedding was shipped: nothing was upserted since the bundle');
    });

    it('reports the item table\'s memory: its log line\'s bytes as a metric, 4(d + 1) bytes per bundle item', async () => {
      const scrape = await (await fetch(`http://127.0.0.1:${stack.ranking.metricsPort}/metrics`)).text();
      const bytes = Number(/^dlrs_ranking_item_table_bytes(?:\{[^}]*\})? (\d+)/m.exec(scrape)?.[1]);
      assert.equal(bytes, 4 * (user.dim + 1) * stack.bundle.items.length);
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
    const byRow = (result: SearchResult__Output): RankRequest => ({ bundleRows: result.bundleRows, itemEmbeddings: result.embeddings, itemBiases: result.biases });
    const scores = (response: RankResponse__Output): number[] => [...new Float32Array(Uint8Array.from(response.scores).buffer)];

    it('tells that the replica resolves bundle items, and scores candidates sent by bundle row exactly as their shipped embeddings', async () => {
      assert.equal(user.resolvesBundleItems, true);
      const full = await search(false);
      const omitted = await search(true);
      assert.equal(full.itemIds.length, CANDIDATES);
      assert.deepEqual(omitted.itemIds, full.itemIds);
      const bundleRowOf = new Map(stack.bundle.items.map((item, row) => [item.id, row]));
      assert.deepEqual(rowNumbers(omitted.bundleRows), full.itemIds.map((id) => bundleRowOf.get(id)), 'every item is as the bundle gave it, sent by its row in the bundle\'s item list');
      assert.equal(omitted.embeddings.length, 0);
      assert.equal(full.bundleRows.length, 0, 'without the request field every row is shipped, as before');
      const shipped = scores(await rank({ itemEmbeddings: full.embeddings, itemBiases: full.biases }));
      const resolved = scores(await rank(byRow(omitted)));
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
      const rows = rowNumbers(after.bundleRows);
      assert.ok(row >= 0, 'the changed item is still a candidate');
      assert.equal(rows[row], NO_BUNDLE_ROW, 'the changed item is no longer a bundle row');
      assert.equal(rows.filter((bundleRow) => bundleRow === NO_BUNDLE_ROW).length, 1);
      assert.equal(after.embeddings.length, 4 * user.dim);
      assert.notDeepEqual(Buffer.from(after.embeddings), Buffer.from(oldEmbedding), 'the upsert changed the embedding');
      const full = await search(false);
      assert.deepEqual(full.itemIds, after.itemIds);
      const byRowScores = scores(await rank(byRow(after)));
      assert.deepEqual(byRowScores, scores(await rank({ itemEmbeddings: full.embeddings, itemBiases: full.biases })));
      // Ranking scored the shipped embedding, not the bundle's row of that item.
      const stale = scores(await rank({ ...byRow(after), bundleRows: bundleRowsBytes(rows.map((bundleRow, i) => (i === row ? stack.bundle.items.findIndex((item) => item.id === changed) : bundleRow))), itemEmbeddings: Buffer.alloc(0), itemBiases: Buffer.alloc(0) }));
      assert.notEqual(byRowScores[row], stale[row], 'the upserted item\'s score differs from its bundle row\'s');
      // Through the gateway too: the upserted candidate travels with its new embedding, the others by row.
      const before2 = await candidatesBySource(stack.ranking.metricsPort);
      const gateway = createGrpcClient(loadProtos().grpcObject.dlrs.v1.Recommender, { addresses: stack.address });
      try {
        const response = await callUnary<{ degradedReasons: string[] }>((md, opts, cb) => gateway.Recommend({ k: 5, candidates: CANDIDATES, context: { interactions: stack.bundle.items.slice(0, 3).map((item) => ({ itemId: item.id, eventType: 'view' })) } }, md, opts, cb));
        assert.deepEqual(response.degradedReasons, []);
      } finally {
        gateway.close();
      }
      const after2 = await candidatesBySource(stack.ranking.metricsPort);
      assert.ok(after2.table - before2.table > 0, 'candidates by row');
      assert.ok(after2.request - before2.request <= 1, 'at most the upserted item shipped');
    });

    it('refuses another model version, a missing one, and bad row numbers: typed errors naming the field', async () => {
      const omitted = await search(true);
      const rows = rowNumbers(omitted.bundleRows);
      const otherVersion = await failure(rank({ ...byRow(omitted), modelVersion: 'another-version' }));
      assert.deepEqual([otherVersion.code, otherVersion.field], ['FAILED_PRECONDITION', 'model_version']);
      const noVersion = await failure(rank({ ...byRow(omitted), modelVersion: '' }));
      assert.deepEqual([noVersion.code, noVersion.field], ['INVALID_ARGUMENT', 'model_version']);
      const pastTheBundle = await failure(rank({ ...byRow(omitted), bundleRows: bundleRowsBytes(rows.map((row, i) => (i === 2 ? stack.bundle.items.length : row))) }));
      assert.deepEqual([pastTheBundle.code, pastTheBundle.field], ['FAILED_PRECONDITION', 'bundle_rows']);
      const ragged = await failure(rank({ ...byRow(omitted), bundleRows: omitted.bundleRows.subarray(1) }));
      assert.deepEqual([ragged.code, ragged.field], ['INVALID_ARGUMENT', 'bundle_rows']);
      const unshipped = await failure(rank({ ...byRow(omitted), bundleRows: bundleRowsBytes(rows.map((row, i) => (i === 0 ? NO_BUNDLE_ROW : row))) }));
      assert.deepEqual([unshipped.code, unshipped.field], ['INVALID_ARGUMENT', 'item_embeddings']);
    });

    it('a replica without the item table says so, and refuses bundle_rows rather than score other values', async () => {
      const plain = await startRankingServer({
        config: loadRankingConfig({ env: { DLRS_HOST: '127.0.0.1', DLRS_PORT: '0', DLRS_METRICS_PORT: '0', DLRS_SHUTDOWN_TIMEOUT_MS: '1000', DLRS_ITEM_TABLE: 'false', ...placement.rankingEnv } }),
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
        const request = { modelVersion: user.modelVersion, dim: user.dim, userEmbedding: user.embeddings, userBias: 0, ...byRow(omitted) };
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
}
